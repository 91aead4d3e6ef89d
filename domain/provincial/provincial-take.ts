/**
 * A site takes a provincial shared resource into one of its columns (R-LIB-3 with R-PUSH-1): its editor or approver
 * asks for it, and it arrives as a push from the provincial library, written to the push offer's own stream
 * (`push-<pushId>`, `ResourcePushed` with the provincial library as its origin). From there it is a push like any
 * other: the site's own second review, a final review by another approver, then the acceptance that places it
 * (the push delivery's commands, unchanged), or a decline. Whoever asked for it does not review it (R-REVIEW-2), and
 * nothing is copied: the site's column gets a placement of the provincial resource in the shared library.
 */
import { z } from 'zod';
import {
  type PushOffer,
  type PushOfferEvent,
  pushEventSchemas,
  pushOfferDecider,
  requireColumn,
  requireReceivingSite,
} from '../push/push.js';
import { type Actor, requireSiteRole } from '../shared/actor.js';
import type { Aggregate } from '../shared/command-handler.js';
import { type Decider, decided } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';
import { id } from '../shared/schemas.js';
import type { SiteContext } from '../site/site.js';
import { PROVINCIAL_LIBRARY, type ProvincialResourceState } from './provincial-resource.js';

export const takeProvincialResourceSchema = z.strictObject({
  pushId: id,
  resourceId: id,
  siteId: id,
  /** The column it is meant for; the acceptance may still name another. */
  columnId: id.optional(),
  note: z.string().trim().max(2000).optional(),
});

export interface TakeContext {
  resource: ProvincialResourceState;
  site: SiteContext;
  occurredAt: string;
}

export type TakeCommand = {
  type: 'TakeProvincialResource';
  data: z.output<typeof takeProvincialResourceSchema>;
  actor: Actor;
  context?: TakeContext;
};

/** The site's editors ask for it, as they would draft; its approvers may too. */
export const TAKE_ROLES = ['editor', 'approver'] as const;

export const provincialTakeDecider: Decider<PushOffer, TakeCommand, PushOfferEvent> = {
  initialState: pushOfferDecider.initialState,
  evolve: pushOfferDecider.evolve,

  decide(command, state) {
    const { actor, context, data } = command;
    const { pushId, resourceId, siteId, columnId, note } = data;
    if (state.exists)
      throw new DomainError('CONFLICT', 'ALREADY_EXISTS', `推送 ${pushId} 已存在`, `push ${pushId} already exists`);
    const role = requireSiteRole(actor, siteId, TAKE_ROLES);
    if (!context) throw new Error('the command handler must load the provincial resource and the site');
    const { resource, site, occurredAt } = context;
    if (!resource.exists)
      throw new DomainError(
        'NOT_FOUND',
        'NOT_FOUND',
        `省级共享资源 ${resourceId} 不存在`,
        `provincial shared resource ${resourceId} does not exist`,
        [{ path: 'resourceId', message: 'no such provincial resource' }],
      );
    if (resource.lifecycle !== 'active')
      throw new DomainError(
        'CONFLICT',
        'RESOURCE_NOT_PUBLISHED',
        `省级共享资源 ${resourceId} 已被省级资源库撤回或归档`,
        `provincial shared resource ${resourceId} was withdrawn or archived by the provincial library`,
        [],
        'R-LIB-3',
      );
    if (site.status === null)
      throw new DomainError('NOT_FOUND', 'NOT_FOUND', `站点 ${siteId} 不存在`, `site ${siteId} does not exist`, [
        { path: 'siteId', message: 'no such site' },
      ]);
    requireReceivingSite(site, siteId, 'siteId');
    if (columnId) requireColumn(site, siteId, columnId, 'columnId');
    return decided(role, {
      type: 'ResourcePushed',
      data: {
        pushId,
        resourceId,
        originSiteId: PROVINCIAL_LIBRARY,
        title: resource.title,
        version: resource.version,
        targets: [{ siteId, ...(columnId ? { suggestedColumnId: columnId } : {}) }],
        important: false,
        pushedAt: occurredAt,
        ...(note ? { note } : {}),
        by: actor.personId,
      },
    });
  },
};

export const provincialTakeAggregate: Aggregate<PushOffer, TakeCommand, PushOfferEvent> = {
  decider: provincialTakeDecider,
  eventSchemas: pushEventSchemas,
};
