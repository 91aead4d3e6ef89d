/**
 * Administrators extend and correct the search synonyms (synonym-table.ts) through events, in the stream
 * `search-synonyms`. The table in force is the published base folded with those events; the search adapters apply
 * it to every query (infra/search/shared/synonym-expansion.ts) as the synonyms read model holds it.
 */
import { z } from 'zod';
import { type Actor, requirePlatformRole } from '../shared/actor.js';
import type { Aggregate } from '../shared/command-handler.js';
import { type Decider, decided } from '../shared/decider.js';
import { reason } from '../shared/schemas.js';
import { SynonymTable } from './synonym-table.js';

export const SEARCH_SYNONYMS_STREAM = 'search-synonyms';

// Commands take what people type and the table checks it (so a refusal names the field the way the table sees it);
// events hold what the table made of it.
const given = z.string().max(200);
export const addSearchSynonymSchema = z.strictObject({ term: given, expansions: z.array(given).max(50), reason });
export const removeSearchSynonymSchema = z.strictObject({
  term: given,
  /** The expansions to take away; the whole entry when absent or empty. */
  expansions: z.array(given).max(50).optional(),
  reason,
});
const changed = z.strictObject({ term: z.string(), expansions: z.array(z.string()).min(1), reason });
export const synonymEventSchemas = { SearchSynonymAdded: changed, SearchSynonymRemoved: changed };

export type AddSearchSynonym = {
  type: 'AddSearchSynonym';
  data: z.output<typeof addSearchSynonymSchema>;
  actor: Actor;
};
export type RemoveSearchSynonym = {
  type: 'RemoveSearchSynonym';
  data: z.output<typeof removeSearchSynonymSchema>;
  actor: Actor;
};
export type SynonymCommand = AddSearchSynonym | RemoveSearchSynonym;
export type SynonymEvent =
  | { type: 'SearchSynonymAdded'; data: z.output<typeof changed> }
  | { type: 'SearchSynonymRemoved'; data: z.output<typeof changed> };

/** Only a platform administrator (or the platform itself) changes the table. */
export const searchSynonymsDecider: Decider<SynonymTable, SynonymCommand, SynonymEvent> = {
  initialState: () => SynonymTable.base(),
  decide(command, table) {
    const role = requirePlatformRole(command.actor, 'platform_admin');
    const { reason } = command.data;
    if (command.type === 'AddSearchSynonym') {
      const { term, expansions } = command.data;
      // withExpansions refuses bad terms and expansions, and a change that adds nothing.
      table.withExpansions(term, expansions);
      return decided(role, { type: 'SearchSynonymAdded', data: { ...table.newExpansions(term, expansions), reason } });
    }
    const removed = table.removedExpansions(command.data.term, command.data.expansions);
    return decided(role, { type: 'SearchSynonymRemoved', data: { ...removed, reason } });
  },
  evolve: (table, event) =>
    table.folded({ kind: event.type === 'SearchSynonymAdded' ? 'added' : 'removed', ...event.data }),
};

export const searchSynonymsAggregate: Aggregate<SynonymTable, SynonymCommand, SynonymEvent> = {
  decider: searchSynonymsDecider,
  eventSchemas: synonymEventSchemas,
};
