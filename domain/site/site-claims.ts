/**
 * Processes that keep the uniqueness claims (domain/uniqueness/claim.ts) in step with the sites: opening a site
 * claims its host unit, its domains and, for the city portal, the portal itself (R-SITE-1, R-SITE-2, R-SITE-7);
 * changing its domains claims the new ones and gives up the ones the appended event says it replaced; closing it
 * gives up its domains and its host unit (R-SITE-5, R-SITE-7: a closed site's domains are released, never
 * transferred).
 *
 * Each runs in the same order: check the actor (a refused command leaves no claim behind), reserve every value the
 * change will give the site, run the site's command, then settle every value reserved or given up against the
 * site's state as it is now, whether the command went through or not. Settling compares revisions of the site's
 * stream, so two changes of one site that interleave in any way leave exactly the final state's values claimed.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { requirePlatformRole } from '../shared/actor.js';
import type { CommandMeta, Handled } from '../shared/command-handler.js';
import { type CommandEnvironment, processCommand, streamCommand } from '../shared/command-module.js';
import { id, isoDateTime } from '../shared/schemas.js';
import {
  CLAIM_SCOPES,
  type ClaimScope,
  type ClaimState,
  claimAggregate,
  claimStream,
  STALE_CLAIM_MS,
} from '../uniqueness/claim.js';
import { type SiteEvent, type SiteState, siteAggregate, siteCommandSchemas, siteStream } from './site.js';
import { siteStreamCommands } from './site-commands.js';

const claimScope = z.enum(Object.keys(CLAIM_SCOPES) as [ClaimScope, ...ClaimScope[]]);
const target = { scope: claimScope, value: z.string().min(1), owner: id, role: z.string() };
const claimInput = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('reserve'), ...target, token: z.string().min(1), at: isoDateTime }),
  z.strictObject({ action: z.literal('settle'), ...target, token: z.string().min(1).nullable() }),
]);

/** Whether the site, as it stands, holds the value. */
function usesValue(site: SiteState, scope: ClaimScope, value: string): boolean {
  if (!site.exists || site.status === 'closed') return false;
  switch (scope) {
    case 'host-unit':
      return site.hostUnit.code === value;
    case 'city-portal':
      return site.kind === 'city_portal';
    case 'domain':
      return site.domains.english === value.toLowerCase() || site.domains.chinese === value;
    case 'index-number':
    case 'migration-source':
      return false;
  }
}

/** A claim written before reservations whose site never came to exist: its creator crashed in between. */
async function holderIsStale(state: ClaimState, at: string, environment: CommandEnvironment): Promise<boolean> {
  if (state.owner === null || state.claimedAt === null) return false;
  if (Date.parse(at) - Date.parse(state.claimedAt) <= STALE_CLAIM_MS) return false;
  return !(await environment.reader.site(state.owner)).exists;
}

/** One step on a claim stream: a reservation, or a settlement against the owning site's stream read now. */
const siteClaim = streamCommand({
  input: claimInput,
  aggregate: claimAggregate,
  stream: (input) => claimStream(input.scope, input.value),
  async context(input, state, environment) {
    if (input.action === 'reserve')
      return { holderIsStale: state.owner !== input.owner && (await holderIsStale(state, input.at, environment)) };
    const { state: site, revision } = await environment.reader.read(siteAggregate, siteStream(input.owner));
    return { used: usesValue(site, input.scope, input.value), ownerRevision: revision ?? -1 };
  },
  command: (input, _actor, context) =>
    input.action === 'reserve'
      ? { type: 'Reserve' as const, ...input, holderIsStale: context?.holderIsStale }
      : {
          type: 'Settle' as const,
          ...input,
          used: context?.used ?? false,
          ownerRevision: context?.ownerRevision ?? -1,
        },
  siteId: (input) => input.owner,
});

interface SiteValue {
  scope: ClaimScope;
  value: string;
}

/**
 * Reserves `values` for the site, runs `change`, then settles what was reserved and what `givenUp` says the change
 * gave up. A settlement that fails after a refused change does not hide the refusal.
 */
async function withClaims(
  environment: CommandEnvironment,
  meta: CommandMeta,
  owner: string,
  role: string,
  values: SiteValue[],
  change: () => Promise<Handled<SiteState, SiteEvent>>,
  givenUp: (result: Handled<SiteState, SiteEvent>) => SiteValue[] = () => [],
): Promise<Handled<SiteState, SiteEvent>> {
  const token = randomUUID();
  const reserved: SiteValue[] = [];
  let result: Handled<SiteState, SiteEvent> | undefined;
  try {
    for (const value of values) {
      await environment.run(siteClaim, { action: 'reserve', ...value, owner, role, token, at: meta.occurredAt }, meta);
      reserved.push(value);
    }
    result = await change();
    return result;
  } finally {
    const settle = async () => {
      const key = (v: SiteValue) => claimStream(v.scope, v.value);
      const mine = new Set(reserved.map(key));
      const touched = new Map([...reserved, ...(result ? givenUp(result) : [])].map((v) => [key(v), v]));
      for (const [k, value] of touched)
        await environment.run(
          siteClaim,
          { action: 'settle', ...value, owner, role, token: mine.has(k) ? token : null },
          meta,
        );
    };
    if (result) await settle();
    else await settle().catch(() => undefined);
  }
}

const domainValues = (domains: { english: string; chinese: string }): SiteValue[] => [
  { scope: 'domain', value: domains.english.toLowerCase() },
  { scope: 'domain', value: domains.chinese },
];

export const openSite = processCommand({
  input: siteCommandSchemas.OpenSite,
  async run(input, meta, environment) {
    const role = requirePlatformRole(await environment.reader.actor(meta), 'platform_admin');
    // The city portal claim goes first: a second portal is refused for being a second portal (R-SITE-2), not for
    // the domain every city portal must use.
    const values: SiteValue[] = input.kind === 'city_portal' ? [{ scope: 'city-portal', value: 'luan' }] : [];
    values.push({ scope: 'host-unit', value: input.hostUnit.code }, ...domainValues(input.domains));
    return withClaims(environment, meta, input.siteId, role, values, () =>
      environment.run(siteStreamCommands.OpenSite, input, meta),
    );
  },
});

export const changeSite = processCommand({
  input: siteCommandSchemas.ChangeSite,
  async run(input, meta, environment) {
    const change = () => environment.run(siteStreamCommands.ChangeSite, input, meta);
    if (!input.domains) return change();
    const role = requirePlatformRole(await environment.reader.actor(meta), 'platform_admin');
    // R-SITE-7: what is given up is what the appended event says the change replaced, not a state read before it.
    return withClaims(environment, meta, input.siteId, role, domainValues(input.domains), change, ({ events }) =>
      events.flatMap((e) =>
        e.type === 'SiteChanged' && e.data.previousDomains ? domainValues(e.data.previousDomains) : [],
      ),
    );
  },
});

export const closeSite = processCommand({
  input: siteCommandSchemas.CloseSite,
  async run(input, meta, environment) {
    const role = requirePlatformRole(await environment.reader.actor(meta), 'platform_admin');
    return withClaims(
      environment,
      meta,
      input.siteId,
      role,
      [],
      () => environment.run(siteStreamCommands.CloseSite, input, meta),
      ({ events, state }) =>
        events.flatMap((e) =>
          e.type === 'SiteClosed'
            ? [...domainValues(e.data.releasedDomains), { scope: 'host-unit' as const, value: state.hostUnit.code }]
            : [],
        ),
    );
  },
});

/** Every site command, the claim processes in place of the three that take or give up values. */
export const siteCommands = {
  ...siteStreamCommands,
  OpenSite: openSite,
  ChangeSite: changeSite,
  CloseSite: closeSite,
};
