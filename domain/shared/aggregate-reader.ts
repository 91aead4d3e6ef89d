/**
 * Reads aggregates' current states from the log, for commands that need another stream's state (their context) and
 * for whoever must know an aggregate's state now, before its read model would (the actor of a request, R-PEOPLE-2).
 * Every read asks the store for what was appended since the cached revision, so it is never stale, even with other
 * processes writing; the cache only saves re-reading and re-folding history already seen.
 */
import { type ApiKeyState, apiKeyAggregate, apiKeyStream, keyIdOfActor } from '../api-key/api-key.js';
import { CALENDAR_STREAM, calendarYearAggregate, type WorkingCalendar, workingCalendarOf } from '../calendar/index.js';
import type { EventStore } from '../event-store/port.js';
import { SUBJECT_TAXONOMY_STREAM, type SubjectTaxonomy, subjectTaxonomyAggregate } from '../metadata/index.js';
import { actorOf, type PersonState, personAggregate, personStream } from '../person/person.js';
import {
  type ProvincialResourceState,
  provincialResourceAggregate,
  provincialStream,
} from '../provincial/provincial-resource.js';
import { type PushOffer, pushOfferAggregate, pushStream } from '../push/push.js';
import { type ResourceState, resourceAggregate, resourceStream } from '../resource/resource.js';
import { type SiteState, siteAggregate, siteStream } from '../site/site.js';
import { type ClaimScope, type ClaimState, claimAggregate, claimStream } from '../uniqueness/claim.js';
import { type Actor, SYSTEM_ACTOR } from './actor.js';
import { type Aggregate, type CommandMeta, readState } from './command-handler.js';
import type { DomainEvent } from './decider.js';
import { DomainError } from './domain-error.js';
import { StateCache } from './state-cache.js';

export class AggregateReader {
  constructor(
    readonly store: EventStore,
    readonly cache = new StateCache(),
  ) {}

  read<State, Command, Event extends DomainEvent>(
    aggregate: Aggregate<State, Command, Event>,
    streamId: string,
  ): Promise<{ state: State; revision: number | null }> {
    return readState(this.store, streamId, aggregate, this.cache);
  }

  private async state<State, Command, Event extends DomainEvent>(
    aggregate: Aggregate<State, Command, Event>,
    streamId: string,
  ): Promise<State> {
    return (await this.read(aggregate, streamId)).state;
  }

  site(siteId: string): Promise<SiteState> {
    return this.state(siteAggregate, siteStream(siteId));
  }

  person(personId: string): Promise<PersonState> {
    return this.state(personAggregate, personStream(personId));
  }

  resource(resourceId: string): Promise<ResourceState> {
    return this.state(resourceAggregate, resourceStream(resourceId));
  }

  apiKey(keyId: string): Promise<ApiKeyState> {
    return this.state(apiKeyAggregate, apiKeyStream(keyId));
  }

  pushOffer(pushId: string): Promise<PushOffer> {
    return this.state(pushOfferAggregate, pushStream(pushId));
  }

  /** A shared resource of the provincial library (R-LIB-3). */
  provincialResource(resourceId: string): Promise<ProvincialResourceState> {
    return this.state(provincialResourceAggregate, provincialStream(resourceId));
  }

  claim(scope: ClaimScope, value: string): Promise<ClaimState> {
    return this.state(claimAggregate, claimStream(scope, value));
  }

  subjectTaxonomy(): Promise<SubjectTaxonomy> {
    return this.state(subjectTaxonomyAggregate, SUBJECT_TAXONOMY_STREAM);
  }

  /** R-SUP-2: deadlines in working days need the official calendar of every year they touch. */
  async workingCalendar(): Promise<WorkingCalendar> {
    return workingCalendarOf(await this.state(calendarYearAggregate, CALENDAR_STREAM));
  }

  /**
   * The actor as their stream says now (R-PEOPLE-2). `machineMay`: the command is one an API key granted drafting
   * may issue; anything else a key asks for is refused here.
   */
  async actor(meta: CommandMeta, machineMay = false): Promise<Actor> {
    if (meta.system) return SYSTEM_ACTOR;
    const keyId = keyIdOfActor(meta.actorId);
    if (keyId !== null) return this.keyActor(keyId, meta.actorId, machineMay);
    return actorOf(meta.actorId, await this.person(meta.actorId));
  }

  /**
   * A key granted drafting acts as an editor of its site for drafting, editing and submitting only; a revoked key as
   * one whose role was revoked (R-PEOPLE-2 for machines).
   */
  private async keyActor(keyId: string, actorId: string, machineMay: boolean): Promise<Actor> {
    const key = await this.apiKey(keyId);
    if (!key.exists || !key.mayDraft || !machineMay)
      throw new DomainError(
        'FORBIDDEN',
        'FORBIDDEN',
        'API 密钥只能读取已发布资源；获准起草的密钥也只能起草、修改和提交',
        'API keys read the published library; a key granted drafting may only draft, edit and submit',
        [],
        'R-SEC-2',
      );
    const editor = new Map([[key.siteId, new Set(['editor'] as const)]]);
    return {
      personId: actorId,
      deactivated: false,
      platformRoles: new Set(),
      siteRoles: key.revoked ? new Map() : editor,
      revokedSiteRoles: key.revoked ? editor : new Map(),
      revokedPlatformRoles: new Set(),
    };
  }
}
