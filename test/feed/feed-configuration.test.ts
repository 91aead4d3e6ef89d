/**
 * The feed's configuration (R-LIB-3): the embedded feed by default, Kafka only with its brokers, SASL only with its
 * credentials, topic names Kafka would take; and the Kafka adapter's options as the variables give them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../infra/config.js';
import { kafkaFeedOptionsFrom } from '../../infra/feed/kafka/kafka-feed.js';
import { tempDir } from '../support/temp-dir.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('feed configuration', () => {
  it('defaults to the embedded feed with the provincial topics', () => {
    expect(loadConfig({})).toMatchObject({
      FEED: 'sqlite',
      FEED_TOPIC: 'luan.library.resources',
      FEED_INBOUND_TOPIC: 'anhui.library.shared-resources',
      FEED_DEAD_LETTER_TOPIC: 'anhui.library.shared-resources.dead-letter',
      FEED_SOURCE: 'https://www.luan.gov.cn/resource-library',
      KAFKA_CREATE_TOPICS: true,
    });
  });

  it('refuses Kafka without brokers, SASL without its credentials, and topic names Kafka would refuse, naming each variable', () => {
    expect(problems({ FEED: 'kafka' })).toEqual([expect.stringMatching(/^KAFKA_BROKERS: is required when FEED=kafka/)]);
    expect(problems({ KAFKA_BROKERS: 'broker-1' })).toEqual([expect.stringMatching(/^KAFKA_BROKERS: /)]);
    expect(problems({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'luan' })).toEqual([
      expect.stringMatching(/^KAFKA_SASL_USERNAME: /),
    ]);
    expect(problems({ FEED_TOPIC: '省级 资源' })).toEqual([expect.stringMatching(/^FEED_TOPIC: /)]);
    expect(problems({ KAFKA_SASL_MECHANISM: 'gssapi' })).toEqual([expect.stringMatching(/^KAFKA_SASL_MECHANISM: /)]);
  });

  it('gives the Kafka adapter its brokers, TLS with the CA file, and SASL', () => {
    const dir = tempDir('feed-config');
    try {
      const ca = join(dir.path, 'ca.pem');
      writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
      const config = loadConfig({
        FEED: 'kafka',
        KAFKA_BROKERS: 'kafka-1.ah.gov.cn:9093,kafka-2.ah.gov.cn:9093',
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: ca,
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'luan-library',
        KAFKA_SASL_PASSWORD: 'secret',
        KAFKA_TOPIC_PARTITIONS: '6',
        KAFKA_REPLICATION_FACTOR: '3',
        KAFKA_CREATE_TOPICS: 'false',
      });
      expect(kafkaFeedOptionsFrom(config)).toEqual({
        brokers: ['kafka-1.ah.gov.cn:9093', 'kafka-2.ah.gov.cn:9093'],
        clientId: 'luan-resource-library',
        ssl: { ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' },
        sasl: { mechanism: 'scram-sha-512', username: 'luan-library', password: 'secret' },
        createTopics: false,
        partitions: 6,
        replicationFactor: 3,
      });
      expect(kafkaFeedOptionsFrom(loadConfig({ KAFKA_BROKERS: 'k:9092' }))).toMatchObject({ ssl: false });
    } finally {
      dir.remove();
    }
  });
});
