/**
 * The uniqueness claims and the processes that keep them in step with the sites (domain/site/site-claims.ts): the
 * claim decider as given/when/then, then the processes on a real embedded store, including changes of one site that
 * interleave in every way two processes allow.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Platform } from '../../domain/platform.js';
import type { DomainError } from '../../domain/shared/domain-error.js';
import {
  type ClaimEvent,
  type ClaimScope,
  claimDecider,
  isHeld,
  STALE_CLAIM_MS,
} from '../../domain/uniqueness/claim.js';
import { deciderSpec } from '../support/decider-spec.js';
import {
  at,
  CITY_PORTAL,
  COUNTY_SITE,
  emptyPlatform,
  type PlatformFixture,
  SYSTEM,
} from '../support/platform-fixture.js';

const given = deciderSpec(claimDecider);
const AT = '2026-11-26T02:00:00.000Z';
const later = (ms: number) => new Date(Date.parse(AT) + ms).toISOString();
const target = { scope: 'domain' as const, value: 'jyj.luan.gov.cn', role: 'platform_admin' };
const reserve = (owner: string, token: string, when = AT) =>
  ({ type: 'Reserve', ...target, owner, token, at: when }) as const;
const settle = (owner: string, token: string | null, ownerRevision: number, used: boolean) =>
  ({ type: 'Settle', ...target, owner, token, ownerRevision, used }) as const;
const reserved = (owner: string, token: string, when = AT): ClaimEvent => ({
  type: 'ClaimReserved',
  data: { scope: 'domain', value: target.value, owner, token, at: when },
});
const settled = (owner: string, token: string | null, ownerRevision: number, used: boolean): ClaimEvent => ({
  type: 'ClaimSettled',
  data: { scope: 'domain', value: target.value, owner, token, ownerRevision, used },
});
const stateOf = (events: ClaimEvent[]) => events.reduce(claimDecider.evolve, claimDecider.initialState());

describe('claim decider', () => {
  it('R-SITE-7: a free value is reserved for the site that asks, in the role its command was allowed', () => {
    expect(given([]).when(reserve('edu', 't1')).thenActsAs('platform_admin')).toEqual([reserved('edu', 't1')]);
  });

  it('R-SITE-7: a value another site holds is refused, whether reserved or settled as used', () => {
    given([reserved('edu', 't1')])
      .when(reserve('water', 't2'))
      .thenRefuses('DOMAIN_TAKEN', 'R-SITE-7');
    given([reserved('edu', 't1'), settled('edu', 't1', 4, true)])
      .when(reserve('water', 't2', later(STALE_CLAIM_MS * 10)))
      .thenRefuses('DOMAIN_TAKEN', 'R-SITE-7');
  });

  it('R-SITE-7: a value its site settled as no longer used is free for another site', () => {
    const events = [reserved('edu', 't1'), settled('edu', 't1', 4, true), settled('edu', null, 7, false)];
    expect(isHeld(stateOf(events), AT)).toBe(false);
    given(events)
      .when(reserve('water', 't2'))
      .then([reserved('water', 't2')]);
  });

  it('R-SITE-7: the newest revision of the site wins, whichever settlement is written last', () => {
    // Revision 7 (the site no longer uses it) was settled first; a settlement read at revision 5 comes in late.
    const events = [reserved('edu', 't1'), reserved('edu', 't2'), settled('edu', 't2', 7, false)];
    given(events)
      .when(settle('edu', 't1', 5, true))
      .then((written) => {
        expect(written).toEqual([settled('edu', 't1', 5, true)]);
        expect(isHeld(stateOf([...events, ...written]), AT)).toBe(false);
      });
  });

  it('a settlement that tells nothing new and settles no reservation writes nothing', () => {
    given([reserved('edu', 't1'), settled('edu', 't1', 7, true)])
      .when(settle('edu', null, 5, false))
      .then([]);
    // A fact about an ownership that has ended is no one's business any more.
    given([reserved('edu', 't1'), settled('edu', 't1', 7, false), reserved('water', 't2')])
      .when(settle('edu', null, 9, true))
      .then([]);
  });

  it('a reservation whose command never settled lapses, so a crash cannot lock a value for ever', () => {
    const events = [reserved('edu', 't1')];
    expect(isHeld(stateOf(events), later(STALE_CLAIM_MS))).toBe(true);
    expect(isHeld(stateOf(events), later(STALE_CLAIM_MS + 1))).toBe(false);
    given(events)
      .when(reserve('water', 't2', later(STALE_CLAIM_MS + 1)))
      .then([reserved('water', 't2', later(STALE_CLAIM_MS + 1))]);
  });

  it('a claim written before reservations stays held until its site gives it up, or is taken over when stale', () => {
    const legacy: ClaimEvent = {
      type: 'ValueClaimed',
      data: { scope: 'domain', value: target.value, owner: 'edu', claimedAt: AT },
    };
    expect(isHeld(stateOf([legacy]), later(STALE_CLAIM_MS * 100))).toBe(true);
    given([legacy])
      .when(reserve('water', 't2', later(STALE_CLAIM_MS * 2)))
      .thenRefuses('DOMAIN_TAKEN');
    given([legacy])
      .when({ ...reserve('water', 't2', later(STALE_CLAIM_MS * 2)), holderIsStale: true })
      .then([reserved('water', 't2', later(STALE_CLAIM_MS * 2))]);
    // Any settlement by its site is newer than what the old claim knew.
    expect(isHeld(stateOf([legacy, settled('edu', null, 0, false)]), AT)).toBe(false);
  });
});

/** Whether each value of `scope` is held now. */
async function held(platform: Platform, scope: ClaimScope, values: string[]): Promise<string[]> {
  const now = new Date().toISOString();
  const states = await Promise.all(values.map((v) => platform.reader.claim(scope, v)));
  return values.filter((_, i) => isHeld(states[i]!, now));
}

const DEPARTMENT = {
  siteId: 'edu',
  kind: 'department' as const,
  hostUnit: { name: '六安市教育局', code: '113415000030893110' },
  name: '六安市教育局',
  domains: { english: 'jyj.luan.gov.cn', chinese: '六安市教育局.政务' },
  approvedBy: 'director',
  reason: '部门网站',
};

describe('site claim processes', () => {
  let f: PlatformFixture;
  beforeEach(async () => {
    f = await emptyPlatform();
    await f.platform.execute('RegisterPerson', { personId: 'admin', name: '平台管理员' }, SYSTEM);
    await f.platform.execute(
      'GrantPlatformRole',
      { personId: 'admin', role: 'platform_admin', reason: '初始化' },
      SYSTEM,
    );
  });
  afterEach(async () => f.dispose());

  it('R-SITE-1 R-SITE-7: opening a site claims its host unit and its domains; a refused opening holds nothing', async () => {
    await f.platform.execute('OpenSite', DEPARTMENT, at('admin'));
    expect(await held(f.platform, 'host-unit', ['113415000030893110'])).toEqual(['113415000030893110']);
    expect(await held(f.platform, 'domain', ['jyj.luan.gov.cn', '六安市教育局.政务'])).toHaveLength(2);
    // Refused by the site's decider after the values were reserved: they are settled as unused at once.
    const bad = { ...DEPARTMENT, siteId: 'edu2', hostUnit: { name: '六安市教体局', code: '113415000030893129' } };
    const error = await f.platform
      .execute(
        'OpenSite',
        { ...bad, domains: { english: 'jtj.luan.gov.cn', chinese: '六安市教育局.政务' } },
        at('admin'),
      )
      .catch((e: unknown) => e);
    expect((error as DomainError).code).toBe('DOMAIN_TAKEN');
    const invalid = await f.platform
      .execute('OpenSite', { ...bad, domains: { english: 'jtj.luan.gov.cn', chinese: '错误.政务' } }, at('admin'))
      .catch((e: unknown) => e);
    expect((invalid as DomainError).code).toBe('INVALID_DOMAIN');
    expect(await held(f.platform, 'host-unit', ['113415000030893129'])).toEqual([]);
    expect(await held(f.platform, 'domain', ['jtj.luan.gov.cn', '错误.政务'])).toEqual([]);
  });

  it('R-SITE-7: a change gives up exactly the domains its appended event says it replaced', async () => {
    await f.platform.execute('OpenSite', DEPARTMENT, at('admin'));
    const changed = await f.platform.execute(
      'ChangeSite',
      {
        siteId: 'edu',
        domains: { english: 'jyt.luan.gov.cn', chinese: '六安市教育局.政务' },
        approvedBy: 'd',
        reason: '更名',
      },
      at('admin'),
    );
    expect(changed.events.map((e) => e.type)).toEqual(['SiteChanged']);
    expect(await held(f.platform, 'domain', ['jyj.luan.gov.cn', 'jyt.luan.gov.cn', '六安市教育局.政务'])).toEqual([
      'jyt.luan.gov.cn',
      '六安市教育局.政务',
    ]);
  });

  it('R-SITE-5 R-SITE-7: closing a site gives up its domains and its host unit', async () => {
    await f.platform.execute('OpenSite', DEPARTMENT, at('admin'));
    await f.platform.execute('CloseSite', { siteId: 'edu', approvedBy: 'director', reason: '机构改革' }, at('admin'));
    expect(await held(f.platform, 'domain', ['jyj.luan.gov.cn', '六安市教育局.政务'])).toEqual([]);
    expect(await held(f.platform, 'host-unit', ['113415000030893110'])).toEqual([]);
  });

  it('R-SITE-7: after concurrent changes of one site from two processes, the claimed domains are exactly its final ones', async () => {
    const pool = ['a', 'b', 'c', 'd'].map((letter) => `${letter}jy.luan.gov.cn`);
    await f.platform.execute(
      'OpenSite',
      { ...DEPARTMENT, domains: { ...DEPARTMENT.domains, english: pool[0]! } },
      at('admin'),
    );
    // A second platform on the same file: its own caches, as another server process would have.
    const { Platform } = await import('../../domain/platform.js');
    const { openSqliteEventStore } = await import('../../infra/event-store/sqlite-event-store.js');
    const otherStore = openSqliteEventStore(f.dataDir);
    const platforms = [f.platform, new Platform(otherStore)];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    try {
      for (let round = 0; round < 6; round++) {
        const changes = Array.from({ length: 6 }, (_, i) => {
          const english = pool[Math.floor(random() * pool.length)]!;
          return platforms[i % 2]!.execute(
            'ChangeSite',
            {
              siteId: 'edu',
              domains: { english, chinese: DEPARTMENT.domains.chinese },
              approvedBy: 'd',
              reason: `r${round}`,
            },
            at('admin'),
          );
        });
        const outcomes = await Promise.allSettled(changes);
        for (const outcome of outcomes)
          if (outcome.status === 'rejected') expect((outcome.reason as DomainError).code).toBe('CONCURRENCY_CONFLICT');
        const final = (await f.platform.reader.site('edu')).domains.english;
        expect(await held(f.platform, 'domain', pool), `round ${round}`).toEqual([final]);
        expect(await held(f.platform, 'domain', [DEPARTMENT.domains.chinese])).toHaveLength(1);
      }
    } finally {
      await otherStore.close();
    }
  });

  it('R-SITE-7: two sites asking for one domain at once: one gets it, the other is refused and changes nothing', async () => {
    const water = {
      ...DEPARTMENT,
      siteId: 'water',
      hostUnit: { name: '六安市水利局', code: '11341500003089440R' },
      name: '六安市水利局',
      domains: { english: 'slj.luan.gov.cn', chinese: '六安市水利局.政务' },
    };
    await f.platform.execute('OpenSite', DEPARTMENT, at('admin'));
    await f.platform.execute('OpenSite', water, at('admin'));
    const wanted = 'shared.luan.gov.cn';
    const results = await Promise.allSettled(
      [DEPARTMENT, water].map((site) =>
        f.platform.execute(
          'ChangeSite',
          {
            siteId: site.siteId,
            domains: { english: wanted, chinese: site.domains.chinese },
            approvedBy: 'd',
            reason: 'r',
          },
          at('admin'),
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as DomainError).code).toBe('DOMAIN_TAKEN');
    const sites = await Promise.all(['edu', 'water'].map((id) => f.platform.reader.site(id)));
    expect(sites.filter((s) => s.domains.english === wanted)).toHaveLength(1);
    const loser = sites.find((s) => s.domains.english !== wanted)!;
    expect(await held(f.platform, 'domain', [loser.domains.english, wanted])).toEqual([loser.domains.english, wanted]);
  });

  it('R-SITE-2: only the city portal holds the city-portal claim', async () => {
    await f.platform.execute('OpenSite', COUNTY_SITE, at('admin'));
    expect(await held(f.platform, 'city-portal', ['luan'])).toEqual([]);
    await f.platform.execute('OpenSite', CITY_PORTAL, at('admin'));
    expect(await held(f.platform, 'city-portal', ['luan'])).toEqual(['luan']);
  });
});
