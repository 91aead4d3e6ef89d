/**
 * The Kafka broker the provincial feed will write to answers Kafka's own protocol from Node (kafkajs, the
 * project's client): a topic is created, a message produced to it is consumed by a consumer group, with its key,
 * value and headers intact. Runs against `KAFKA_BROKERS` (the local broker under `ENGINES=local`, or a cluster).
 */
import { randomUUID } from 'node:crypto';
import { type Consumer, Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const brokers = process.env.KAFKA_BROKERS;

if (brokers) {
  describe('Kafka broker', () => {
    const kafka = new Kafka({ clientId: 'library-tests', brokers: brokers.split(','), logLevel: logLevel.WARN });
    const admin = kafka.admin();
    const topic = `library-test-${randomUUID()}`;
    let consumer: Consumer | undefined;

    beforeAll(async () => {
      await admin.connect();
    });
    afterAll(async () => {
      await consumer?.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    });

    it('creates a topic, and a message produced to it reaches a consumer group with its key, value, headers and offset', async () => {
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true })).toBe(true);
      expect(await admin.listTopics()).toContain(topic);

      const producer = kafka.producer({
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      const [written] = await producer.send({
        topic,
        acks: -1,
        messages: [
          { key: 'resource-1', value: '六安市政府网站集约化平台管理暂行办法', headers: { type: 'ResourcePublished' } },
        ],
      });
      await producer.disconnect();
      expect(written?.errorCode).toBe(0);

      consumer = kafka.consumer({ groupId: `${topic}-group` });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = await new Promise<{ key?: string; value?: string; type?: string; offset: string }>((resolve) => {
        void consumer!.run({
          eachMessage: async ({ message }) =>
            resolve({
              key: message.key?.toString(),
              value: message.value?.toString(),
              type: message.headers?.type?.toString(),
              offset: message.offset,
            }),
        });
      });
      expect(received).toEqual({
        key: 'resource-1',
        value: '六安市政府网站集约化平台管理暂行办法',
        type: 'ResourcePublished',
        offset: written?.baseOffset,
      });
    });
  });
} else {
  describe('Kafka broker', () => {
    it.skip('skipped: KAFKA_BROKERS is not set (ENGINES=local npm test starts a local broker, see the README)', () => {});
  });
}
