/**
 * R-LIB-3, the inbound half: the provincial library's shared resources as its feed brings them, each message taken
 * once, validated against the uniform metadata, with the province's provenance and index number kept; and a site's
 * request to take one, which becomes a push from the provincial library that the site reviews itself (R-PUSH-1).
 */
import { describe, expect, it } from 'vitest';
import {
  PROVINCIAL_LIBRARY,
  type ProvincialCommand,
  type ProvincialEvent,
  provincialResourceDecider,
  provincialResourceId,
} from '../../domain/provincial/provincial-resource.js';
import { provincialTakeDecider, type TakeCommand, type TakeContext } from '../../domain/provincial/provincial-take.js';
import { SYSTEM_ACTOR } from '../../domain/shared/actor.js';
import { actor, deciderSpec } from '../support/decider-spec.js';
import { PROVINCE_SOURCE, provincialIndexNumber, provincialMetadata } from '../support/provincial.js';

const given = deciderSpec(provincialResourceDecider);
const RECEIVED_AT = '2026-11-26T02:00:00.000Z';
const resourceId = provincialResourceId(PROVINCE_SOURCE, 'ah-2026-0012');

function change(
  kind: ProvincialCommand['data']['change'],
  messageId: string,
  extra: Record<string, unknown> = {},
  who = SYSTEM_ACTOR,
): ProvincialCommand {
  return {
    type: 'ReceiveProvincialChange',
    data: {
      change: kind,
      resourceId,
      message: { source: PROVINCE_SOURCE, id: messageId },
      originalId: 'ah-2026-0012',
      indexNumber: provincialIndexNumber(12),
      ...(kind === 'published' || kind === 'corrected' ? { version: 1, metadata: provincialMetadata() } : {}),
      ...extra,
    },
    actor: who,
    context: { occurredAt: RECEIVED_AT },
  } as ProvincialCommand;
}

function eventsOf(command: ProvincialCommand, history: ProvincialEvent[] = []): ProvincialEvent[] {
  const state = history.reduce(provincialResourceDecider.evolve, provincialResourceDecider.initialState());
  return provincialResourceDecider.decide(command, state).events;
}

const published = eventsOf(change('published', 'm-1', { publishedAt: '2026-03-03T09:00:00+08:00' }));

describe('provincial shared resources (R-LIB-3)', () => {
  it('R-LIB-3: a published provincial resource is received with its provenance, the province’s index number and the province as its source', () => {
    expect(published).toHaveLength(1);
    const [event] = published;
    expect(event).toMatchObject({
      type: 'ProvincialResourceReceived',
      data: {
        resourceId,
        version: 1,
        indexNumber: provincialIndexNumber(12),
        publishedAt: '2026-03-03T09:00:00+08:00',
        provenance: {
          system: PROVINCE_SOURCE,
          originalId: 'ah-2026-0012',
          indexNumber: provincialIndexNumber(12),
          messageId: 'm-1',
          receivedAt: RECEIVED_AT,
        },
        metadata: {
          title: provincialMetadata().title,
          sharing: '无条件共享',
          source: { system: PROVINCE_SOURCE, originalId: 'ah-2026-0012', migratedAt: RECEIVED_AT },
        },
      },
    });
  });

  it('R-LIB-3: the same message delivered again changes nothing', () => {
    given(published).when(change('published', 'm-1')).then([]);
    given(published).when(change('withdrawn', 'm-1')).then([]);
  });

  it('R-LIB-3: a correction with a newer version updates it; an older or equal version delivered late changes nothing', () => {
    const corrected = change('corrected', 'm-2', {
      version: 2,
      metadata: provincialMetadata({ title: '安徽省人民政府办公厅关于进一步加强政府网站集约化建设的通知（修订）' }),
    });
    given(published)
      .when(corrected)
      .then((events) => {
        expect(events).toMatchObject([{ type: 'ProvincialResourceUpdated', data: { version: 2 } }]);
      });
    const updated = eventsOf(corrected, published);
    given([...published, ...updated])
      .when(change('corrected', 'm-0', { version: 1 }))
      .then([]);
  });

  it('R-LIB-3: a withdrawal withdraws it once; a withdrawal of a resource never received changes nothing', () => {
    given(published)
      .when(change('withdrawn', 'm-3', { reason: '文件已废止' }))
      .then((events) => {
        expect(events).toMatchObject([
          { type: 'ProvincialResourceWithdrawn', data: { resourceId, version: 1, reason: '文件已废止' } },
        ]);
      });
    given([]).when(change('withdrawn', 'm-3')).then([]);
    const withdrawn = eventsOf(change('withdrawn', 'm-3'), published);
    given([...published, ...withdrawn])
      .when(change('withdrawn', 'm-4'))
      .then([]);
  });

  it('R-LIB-3 R-LIB-2: metadata that fails the uniform metadata model is refused field by field, and nothing is written', () => {
    const error = given([])
      .when(change('published', 'm-1', { metadata: provincialMetadata({ genre: '通知书', publisherCode: 'ABC' }) }))
      .thenRefuses('INVALID_METADATA', 'R-LIB-2');
    expect(error.category).toBe('BAD_USER_INPUT');
    expect(error.details.map((d) => d.path).sort()).toEqual(['metadata.genre', 'metadata.publisherCode']);
  });

  it('R-LIB-3: a resource the province marked 不予共享 is not taken in', () => {
    given([])
      .when(change('published', 'm-1', { metadata: provincialMetadata({ sharing: '不予共享' }) }))
      .thenRefuses('NOT_SHARED', 'R-LIB-3');
  });

  it('R-LIB-3: an index number that is not one is refused', () => {
    const error = given([])
      .when(change('published', 'm-1', { indexNumber: '皖-2026-12' }))
      .thenRefuses('INVALID_INDEX_NUMBER', 'R-LIB-3');
    expect(error.details[0]!.path).toBe('indexNumber');
  });

  it('R-LIB-3: only the province’s feed (the platform itself) brings provincial resources, never a person', () => {
    given([])
      .when(change('published', 'm-1', {}, actor('admin', { platform: ['platform_admin'] })))
      .thenRefuses('FORBIDDEN', 'R-LIB-3');
  });

  it('R-LIB-3: a resource shared on condition is taken in with its condition', () => {
    const condition = '仅限政务公开栏目使用';
    const [event] = eventsOf(
      change('published', 'm-1', {
        metadata: provincialMetadata({ sharing: '有条件共享', sharingCondition: condition }),
      }),
    );
    expect(event).toMatchObject({ data: { metadata: { sharing: '有条件共享', sharingCondition: condition } } });
  });
});

describe('a site takes a provincial resource (R-LIB-3, R-PUSH-1)', () => {
  const givenOffer = deciderSpec(provincialTakeDecider);
  const received = published.reduce(provincialResourceDecider.evolve, provincialResourceDecider.initialState());
  const site = (status: TakeContext['site']['status'] = 'online') => ({
    status,
    kind: 'county_portal' as const,
    activeColumns: new Set(['notices']),
    coBuilding: new Map(),
  });
  const take = (
    who = actor('wang', { sites: { jinan: ['editor'] } }),
    context: Partial<TakeContext> = {},
    data: Partial<TakeCommand['data']> = {},
  ): TakeCommand => ({
    type: 'TakeProvincialResource',
    data: { pushId: 'take-1', resourceId, siteId: 'jinan', columnId: 'notices', ...data },
    actor: who,
    context: { resource: received, site: site(), occurredAt: RECEIVED_AT, ...context },
  });

  it('R-LIB-3 R-PUSH-1: a site’s editor asks for it, and it arrives as a push from the provincial library to that site', () => {
    const events = givenOffer([]).when(take()).thenActsAs('editor');
    expect(events).toEqual([
      {
        type: 'ResourcePushed',
        data: {
          pushId: 'take-1',
          resourceId,
          originSiteId: PROVINCIAL_LIBRARY,
          title: provincialMetadata().title,
          version: 1,
          targets: [{ siteId: 'jinan', suggestedColumnId: 'notices' }],
          important: false,
          pushedAt: RECEIVED_AT,
          by: 'wang',
        },
      },
    ]);
  });

  it('R-LIB-3: nobody without a role on the site, no unknown column, no offline site, no withdrawn resource', () => {
    givenOffer([])
      .when(take(actor('li', { sites: { jinan: ['reviewer'] } })))
      .thenRefuses('FORBIDDEN');
    givenOffer([])
      .when(take(undefined, {}, { columnId: 'nowhere' }))
      .thenRefuses('UNKNOWN_COLUMN');
    givenOffer([])
      .when(take(undefined, { site: site('offline') }))
      .thenRefuses('SITE_OFFLINE');
    const withdrawn = provincialResourceDecider.evolve(received, {
      type: 'ProvincialResourceWithdrawn',
      data: {
        resourceId,
        version: 1,
        provenance: { ...published[0]!.data.provenance, messageId: 'm-9' },
      },
    });
    givenOffer([])
      .when(take(undefined, { resource: withdrawn }))
      .thenRefuses('RESOURCE_NOT_PUBLISHED', 'R-LIB-3');
  });

  it('derives one library id per provincial source and original id', () => {
    expect(provincialResourceId(PROVINCE_SOURCE, 'a')).toBe(provincialResourceId(PROVINCE_SOURCE, 'a'));
    expect(provincialResourceId(PROVINCE_SOURCE, 'a')).not.toBe(provincialResourceId('other', 'a'));
    expect(provincialResourceId(PROVINCE_SOURCE, 'a')).toMatch(/^prov-[0-9a-f]{32}$/);
  });
});
