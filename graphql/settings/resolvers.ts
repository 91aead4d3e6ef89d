/**
 * Platform-wide reference data that platform administrators extend through events: the subject taxonomy's second
 * level (metadata.md), the working-day calendar of years the calendar package lacks (R-SUP-2), and the search
 * synonyms (read from their read model, which the search index applies to every query).
 */
import { requireLibraryReader } from '../auth/authorise.js';
import { runCommand, withoutNulls } from '../commands.js';
import type { Resolvers } from '../generated/resolvers-types.js';

export const settingsResolvers: Resolvers = {
  Query: {
    searchSynonyms: async (_root, { term }, context) => {
      await requireLibraryReader(context);
      const table = context.services.synonyms.current();
      if (term !== null && term !== undefined) {
        const expansions = table.expansionsOf(term);
        return expansions.length === 0 ? [] : [{ term: term.normalize('NFKC').trim(), expansions: [...expansions] }];
      }
      return table.entries().map(({ term, expansions }) => ({ term, expansions: [...expansions] }));
    },
  },
  Mutation: {
    addSubject: async (_root, { input }, context) => {
      const { state } = await runCommand(context, 'AddSubject', withoutNulls(input));
      const category = state.list().find((c) => c.name === input.top);
      return { top: input.top, secondLevels: [...(category?.secondLevels ?? [])] };
    },
    addSearchSynonym: async (_root, { input }, context) => {
      const { state } = await runCommand(context, 'AddSearchSynonym', withoutNulls(input));
      const term = input.term.normalize('NFKC').trim();
      return { term, expansions: [...state.expansionsOf(term)] };
    },
    removeSearchSynonym: async (_root, { input }, context) => {
      const { state } = await runCommand(context, 'RemoveSearchSynonym', withoutNulls(input));
      const term = input.term.normalize('NFKC').trim();
      return { term, expansions: [...state.expansionsOf(term)] };
    },
    recordCalendarYear: async (_root, { input }, context) => {
      await runCommand(context, 'RecordCalendarYear', withoutNulls(input));
      const calendar = await context.services.platform.reader.workingCalendar();
      return { year: input.year, coveredYears: calendar.coveredYears() };
    },
  },
};
