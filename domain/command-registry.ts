/**
 * Every command the platform takes, by type: one entry per aggregate's or process's commands. Adding an aggregate
 * means its module, one line here, and its GraphQL area.
 */
import { apiKeyCommands } from './api-key/api-key-commands.js';
import { calendarCommands } from './calendar/calendar-commands.js';
import { subjectCommands } from './metadata/subject-commands.js';
import { personCommands } from './person/person-commands.js';
import { pushCommands } from './push/push-commands.js';
import { resourceCommands } from './resource/resource-commands.js';
import { synonymCommands } from './search/synonym-commands.js';
import type { AnyCommandModule, ModuleInput, ModuleResult } from './shared/command-module.js';
import { siteCommands } from './site/site-claims.js';

export const COMMANDS = {
  ...personCommands,
  ...siteCommands,
  ...resourceCommands,
  ...pushCommands,
  ...apiKeyCommands,
  ...subjectCommands,
  ...synonymCommands,
  ...calendarCommands,
} satisfies Record<string, AnyCommandModule>;

export type CommandType = keyof typeof COMMANDS;
export type CommandInput<T extends CommandType> = ModuleInput<(typeof COMMANDS)[T]>;
export type CommandResult<T extends CommandType> = ModuleResult<(typeof COMMANDS)[T]>;
