/**
 * Platform-wide reference data that platform administrators extend through events: the subject taxonomy's second
 * level (metadata.md) and the working-day calendar of years the calendar package lacks (R-SUP-2).
 */
import { runCommand, withoutNulls } from '../commands.js';
import type { Resolvers } from '../generated/resolvers-types.js';

export const settingsResolvers: Resolvers = {
  Mutation: {
    addSubject: async (_root, { input }, context) => {
      const { state } = await runCommand(context, 'AddSubject', withoutNulls(input));
      const category = state.list().find((c) => c.name === input.top);
      return { top: input.top, secondLevels: [...(category?.secondLevels ?? [])] };
    },
    recordCalendarYear: async (_root, { input }, context) => {
      await runCommand(context, 'RecordCalendarYear', withoutNulls(input));
      const calendar = await context.services.platform.reader.workingCalendar();
      return { year: input.year, coveredYears: calendar.coveredYears() };
    },
  },
};
