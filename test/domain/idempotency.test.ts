/**
 * A client that lost the answer to a command sends it again with the same idempotency key: the same actor gets the
 * first outcome back, and nothing is done twice, on a stream command and on a process alike.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandMeta } from '../../domain/shared/command-handler.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { sampleMetadata } from '../support/fixtures.js';
import { at, emptyPlatform, type PlatformFixture, SYSTEM, staffedPlatform } from '../support/platform-fixture.js';

const keyed = (personId: string, idempotencyKey: string): CommandMeta => ({ ...at(personId), idempotencyKey });

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('idempotency keys', () => {
  let f: PlatformFixture;
  afterEach(async () => f.dispose());

  describe('on a stream command', () => {
    beforeEach(async () => {
      f = await staffedPlatform();
    });

    it('a repeat with the same key answers the first outcome and appends nothing', async () => {
      const input = { resourceId: 'r1', siteId: 'jinan', metadata: sampleMetadata() };
      const first = await f.platform.execute('DraftResource', input, keyed('wang', 'key-draft-0001'));
      const head = await f.store.headPosition();
      const again = await f.platform.execute('DraftResource', input, keyed('wang', 'key-draft-0001'));
      expect(again.events).toEqual(first.events);
      expect(again.position).toBe(first.position);
      expect(again.state.working?.writers).toEqual(['wang']);
      expect(await f.store.headPosition()).toBe(head);
      // Without the key, the repeat is a new command, refused as such.
      expect((await refusal(f.platform.execute('DraftResource', input, at('wang')))).code).toBe('ALREADY_EXISTS');
      // Another actor's key is not this one's.
      expect((await refusal(f.platform.execute('DraftResource', input, keyed('zhao', 'key-draft-0001')))).code).toBe(
        'ALREADY_EXISTS',
      );
    });

    it('a first publication retried with its key keeps its one index number', async () => {
      const { platform } = f;
      await platform.execute(
        'DraftResource',
        { resourceId: 'r2', siteId: 'jinan', metadata: sampleMetadata() },
        at('wang'),
      );
      await platform.execute('SubmitResource', { resourceId: 'r2' }, at('wang'));
      await platform.execute('PassFirstReview', { resourceId: 'r2' }, at('zhao'));
      await platform.execute('PassSecondReview', { resourceId: 'r2' }, at('li'));
      await platform.execute('PassFinalReview', { resourceId: 'r2' }, at('chen'));
      const publish = { resourceId: 'r2', columnIds: ['notices'] };
      const first = await platform.execute('PublishResource', publish, keyed('chen', 'publish-r2-01'));
      const again = await platform.execute('PublishResource', publish, keyed('chen', 'publish-r2-01'));
      expect(again.state.indexNumber).toBe(first.state.indexNumber);
      expect(again.events.map((e) => e.type)).toEqual(['ResourcePublished']);
      expect((await f.store.readStream('resource-r2')).filter((e) => e.type === 'ResourcePublished')).toHaveLength(1);
    });

    it('a key used for another command on the same stream is refused, naming the key', async () => {
      const input = { resourceId: 'r3', siteId: 'jinan', metadata: sampleMetadata() };
      await f.platform.execute('DraftResource', input, keyed('wang', 'key-shared-01'));
      const error = await refusal(
        f.platform.execute('SubmitResource', { resourceId: 'r3' }, keyed('wang', 'key-shared-01')),
      );
      expect(error.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(error.category).toBe('CONFLICT');
      expect(error.details).toEqual([{ path: 'Idempotency-Key', message: 'already used for another command' }]);
    });
  });

  describe('on a process', () => {
    beforeEach(async () => {
      f = await emptyPlatform();
      await f.platform.execute('RegisterPerson', { personId: 'admin', name: '平台管理员' }, SYSTEM);
      await f.platform.execute(
        'GrantPlatformRole',
        { personId: 'admin', role: 'platform_admin', reason: '初始化' },
        SYSTEM,
      );
    });

    it('opening a site again with the same key answers the first opening; its claims are taken once', async () => {
      const site = {
        siteId: 'edu',
        kind: 'department' as const,
        hostUnit: { name: '六安市教育局', code: '113415000030893110' },
        name: '六安市教育局',
        domains: { english: 'jyj.luan.gov.cn', chinese: '六安市教育局.政务' },
        approvedBy: 'director',
        reason: '部门网站',
      };
      const first = await f.platform.execute('OpenSite', site, keyed('admin', 'open-edu-0001'));
      const head = await f.store.headPosition();
      const again = await f.platform.execute('OpenSite', site, keyed('admin', 'open-edu-0001'));
      expect(again.events).toEqual(first.events);
      expect(await f.store.headPosition()).toBe(head);
      expect((await refusal(f.platform.execute('OpenSite', site, at('admin')))).code).toBe('ALREADY_EXISTS');
    });
  });
});
