/**
 * A push to 100 sites, each accepting after its own second and final review, on the embedded stack over the real
 * API: how long until every placement is searchable, and the subscription delivery latency, from the mutation
 * being sent to each site's `pushReceived` subscriber (and the origin's `pushStatusChanged` for each acceptance).
 * Baseline in the same run: the same 100 WebSocket subscribers receiving a payload published straight on the
 * server's pubsub, with no command, log, or projection in between.
 */

import type { CommandMeta } from '../../domain/shared/command-handler.js';
import { TOPICS } from '../../graphql/live-updates/topics.js';
import { type ApiServer, startApiServer } from '../support/api-server.js';
import { sampleMetadata } from '../support/fixtures.js';
import { PROBE, pushSubscriptionStarted } from '../support/push-subscription.js';
import { percentile, progress, round } from './measure.js';

const SITES = Number(process.env.BENCH_PUSH_SITES ?? 100);
/** Review and acceptance mutations in flight at once, as the receiving sites' staff would send them. */
const IN_FLIGHT = 16;

const admin = (): CommandMeta => ({ actorId: 'admin', occurredAt: new Date().toISOString() });
const siteId = (i: number) => `bench${i}`;

const DELIVERY = 'pushId siteId status';

async function openSites(api: ApiServer): Promise<void> {
  const { platform } = api.c;
  for (let i = 0; i < SITES; i++) {
    const name = `六安市测试单位${i}`;
    await platform.execute(
      'OpenSite',
      {
        siteId: siteId(i),
        kind: 'department',
        hostUnit: { name, code: `1134150${String(i).padStart(11, '0')}` },
        name,
        domains: { english: `bench${i}.luan.gov.cn`, chinese: `${name}.政务` },
        approvedBy: 'admin',
        reason: '信息推送基准',
      },
      admin(),
    );
    await platform.execute(
      'AddColumn',
      {
        siteId: siteId(i),
        channelId: 'disclosure',
        columnId: 'notices',
        name: '通知公告',
        path: '/disclosure/notices',
        updateCycle: 'notices_policy',
      },
      admin(),
    );
    for (const role of ['reviewer', 'approver'] as const) {
      const personId = `${siteId(i)}-${role}`;
      await platform.execute('RegisterPerson', { personId, name: personId }, admin());
      await platform.execute('GrantSiteRole', { personId, siteId: siteId(i), role, reason: '岗位职责' }, admin());
    }
  }
}

async function publishOnPortal(api: ApiServer, tokens: (who: string) => Promise<string>): Promise<void> {
  const metadata = sampleMetadata({ title: '关于做好全市政府网站信息推送转载工作的通知', body: '各单位及时转载。' });
  const steps: Array<[string, string, string]> = [
    ['mutation($i: DraftResourceInput!) { draftResource(input: $i) { status } }', 'portal-editor', 'i'],
    ['mutation($id: ID!) { submitResource(input: { resourceId: $id }) { status } }', 'portal-editor', 'id'],
    ['mutation($id: ID!) { passFirstReview(input: { resourceId: $id }) { status } }', 'portal-editor2', 'id'],
    ['mutation($id: ID!) { passSecondReview(input: { resourceId: $id }) { status } }', 'portal-reviewer', 'id'],
    ['mutation($id: ID!) { passFinalReview(input: { resourceId: $id }) { status } }', 'portal-approver', 'id'],
    [
      'mutation($id: ID!) { publishResource(input: { resourceId: $id, columnIds: ["city-news"] }) { status } }',
      'portal-approver',
      'id',
    ],
  ];
  for (const [query, who, variable] of steps) {
    const variables = variable === 'i' ? { i: { resourceId: 'pushed', siteId: 'portal', metadata } } : { id: 'pushed' };
    const result = await api.gql(query, variables, await tokens(who));
    if (result.errors) throw new Error(JSON.stringify(result.errors));
  }
}

/** Runs `work` for every item with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

interface Subscriber {
  next(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Milliseconds from `since` to the next message on `sub` that is not a probe and passes `wanted`. */
async function latency(
  sub: Subscriber,
  field: string,
  since: () => number,
  wanted: (d: Record<string, string>) => boolean,
) {
  for (;;) {
    const message = (await sub.next()) as { data?: Record<string, Record<string, string>> };
    const delivery = message.data?.[field];
    if (delivery && delivery.pushId !== PROBE && wanted(delivery)) return performance.now() - since();
  }
}

export async function pushBenchmark() {
  const api = await startApiServer({ RATE_LIMIT_PER_MINUTE: String(1e9), QUERY_COST_PER_MINUTE: String(1e12) });
  const tokenCache = new Map<string, string>();
  const token = async (who: string) => {
    if (!tokenCache.has(who)) tokenCache.set(who, await api.token(who));
    return tokenCache.get(who)!;
  };
  const subscribers: Subscriber[] = [];
  try {
    progress(`opening ${SITES} department sites with a reviewer and an approver each`);
    await openSites(api);
    await publishOnPortal(api, token);
    await api.settle();

    progress(`${SITES} pushReceived subscribers over WebSocket, and the origin's pushStatusChanged`);
    for (let i = 0; i < SITES; i++) {
      const sub = api.subscribe(
        `subscription($s: ID!) { pushReceived(siteId: $s) { ${DELIVERY} } }`,
        { s: siteId(i) },
        await token(`${siteId(i)}-reviewer`),
      );
      subscribers.push(sub);
      await pushSubscriptionStarted(api, sub, 'pushReceived', siteId(i));
    }
    const origin = api.subscribe(
      `subscription { pushStatusChanged(siteId: "portal") { ${DELIVERY} } }`,
      {},
      await token('portal-approver'),
    );
    subscribers.push(origin);
    await pushSubscriptionStarted(api, origin, 'pushStatusChanged', 'portal');

    // Baseline: the same subscribers, a payload published straight on the pubsub.
    progress('baseline: the same subscribers, fed straight from the pubsub');
    const baseline: number[] = [];
    for (let round = 0; round < 5; round++) {
      const started = performance.now();
      const waits = subscribers.slice(0, SITES).map((sub) =>
        latency(
          sub,
          'pushReceived',
          () => started,
          (d) => d.pushId === `baseline-${round}`,
        ),
      );
      for (let i = 0; i < SITES; i++)
        await api.app.graphql.pubsub.publish({
          topic: TOPICS.pushReceived,
          payload: {
            pushReceived: {
              pushId: `baseline-${round}`,
              resourceId: 'pushed',
              originSiteId: 'portal',
              siteId: siteId(i),
              title: 'baseline',
              version: 1,
              important: false,
              pushedAt: new Date().toISOString(),
              status: 'pending',
              overdue: false,
            },
          },
        });
      baseline.push(...(await Promise.all(waits)));
    }

    progress(`pushing to ${SITES} sites`);
    const targets = Array.from({ length: SITES }, (_, i) => ({ siteId: siteId(i), columnId: 'notices' }));
    let pushSent = 0;
    const received = subscribers.slice(0, SITES).map((sub) =>
      latency(
        sub,
        'pushReceived',
        () => pushSent,
        (d) => d.pushId === 'bench-push',
      ),
    );
    pushSent = performance.now();
    const pushed = await api.gql(
      `mutation($input: PushResourceInput!) { pushResource(input: $input) { pushId } }`,
      { input: { pushId: 'bench-push', resourceId: 'pushed', targets, important: true } },
      await token('portal-approver'),
    );
    if (pushed.errors) throw new Error(JSON.stringify(pushed.errors));
    const pushMutationMs = performance.now() - pushSent;
    const receivedMs = await Promise.all(received);

    progress(`each site: second review, final review, acceptance (${IN_FLIGHT} in flight)`);
    const acceptSent = new Map<string, number>();
    const acceptedAtOrigin = new Map<string, number>();
    const originDone = (async () => {
      while (acceptedAtOrigin.size < SITES) {
        const message = (await origin.next()) as { data?: { pushStatusChanged: Record<string, string> } };
        const d = message.data?.pushStatusChanged;
        if (d?.pushId === 'bench-push' && d.status === 'accepted')
          acceptedAtOrigin.set(d.siteId!, performance.now() - acceptSent.get(d.siteId!)!);
      }
    })();
    const phaseStarted = performance.now();
    await pool(
      Array.from({ length: SITES }, (_, i) => siteId(i)),
      IN_FLIGHT,
      async (site) => {
        const steps: Array<[string, string]> = [
          ['passPushSecondReview', `${site}-reviewer`],
          ['passPushFinalReview', `${site}-approver`],
          ['acceptPush', `${site}-approver`],
        ];
        for (const [mutation, who] of steps) {
          if (mutation === 'acceptPush') acceptSent.set(site, performance.now());
          const result = await api.gql(
            `mutation($p: ID!, $s: ID!) { ${mutation}(input: { pushId: $p, siteId: $s }) { pushId } }`,
            { p: 'bench-push', s: site },
            await token(who),
          );
          if (result.errors) throw new Error(JSON.stringify(result.errors));
        }
      },
    );
    const commandsDone = performance.now();
    // Searchable everywhere: every receiving site's filter finds the one resource.
    for (;;) {
      const document = await api.c.searchIndex.get('pushed');
      if (document && document.placements.length === SITES + 1) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const page = await api.c.searchIndex.search({
      text: '信息推送转载',
      filters: { siteIds: [siteId(SITES - 1)] },
    });
    if (page.hits[0]?.document.resourceId !== 'pushed') throw new Error('the last placement is not searchable');
    const allSearchable = performance.now();
    await originDone;

    const stats = (values: number[]) => ({
      p50: round(percentile(values, 50)),
      p99: round(percentile(values, 99)),
      max: round(Math.max(...values)),
    });
    const pushReceived = stats(receivedMs);
    const baselineStats = stats(baseline);
    return {
      benchmark: 'push',
      sites: SITES,
      pushMutationMs: round(pushMutationMs),
      pushReceivedLatencyMs: pushReceived,
      acceptedAtOriginLatencyMs: stats([...acceptedAtOrigin.values()]),
      baselinePubsubLatencyMs: baselineStats,
      deliveryP99OverBaseline: round(pushReceived.p99 / Math.max(baselineStats.p99, 0.01)),
      reviewAndAcceptCommands: SITES * 3,
      reviewAndAcceptMs: round(commandsDone - phaseStarted),
      allPlacementsSearchableMs: round(allSearchable - phaseStarted),
      searchableAfterLastAcceptMs: round(allSearchable - commandsDone),
      targets: { pushReceivedP99Ms: 100 },
      met: pushReceived.p99 <= 100,
    };
  } finally {
    for (const sub of subscribers) await sub.close();
    await api.close();
  }
}
