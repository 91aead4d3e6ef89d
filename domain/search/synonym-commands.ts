/** Administrators add and remove search synonyms (synonym-extension.ts). */
import { streamCommand } from '../shared/command-module.js';
import {
  addSearchSynonymSchema,
  removeSearchSynonymSchema,
  SEARCH_SYNONYMS_STREAM,
  searchSynonymsAggregate,
} from './synonym-extension.js';

export const synonymCommands = {
  AddSearchSynonym: streamCommand({
    input: addSearchSynonymSchema,
    aggregate: searchSynonymsAggregate,
    stream: () => SEARCH_SYNONYMS_STREAM,
    command: (data, actor) => ({ type: 'AddSearchSynonym' as const, data, actor }),
    siteId: () => null,
  }),
  RemoveSearchSynonym: streamCommand({
    input: removeSearchSynonymSchema,
    aggregate: searchSynonymsAggregate,
    stream: () => SEARCH_SYNONYMS_STREAM,
    command: (data, actor) => ({ type: 'RemoveSearchSynonym' as const, data, actor }),
    siteId: () => null,
  }),
};
