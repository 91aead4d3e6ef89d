/**
 * Every command the platform takes, by type: one entry per aggregate's or process's commands. Adding an aggregate
 * means its module, one line in COMMAND_AREAS, and its GraphQL area.
 */
import { apiKeyCommands } from './api-key/api-key-commands.js';
import { calendarCommands } from './calendar/calendar-commands.js';
import { contentCheckCommands } from './content-check/content-check-commands.js';
import { siteExportCommands } from './export/site-export-commands.js';
import { messageCommands } from './message/message-commands.js';
import { subjectCommands } from './metadata/subject-commands.js';
import { migrationCommands } from './migration/migration-commands.js';
import { personCommands } from './person/person-commands.js';
import { provincialCommands } from './provincial/provincial-commands.js';
import { pushCommands } from './push/push-commands.js';
import { resourceCommands } from './resource/resource-commands.js';
import { synonymCommands } from './search/synonym-commands.js';
import type { AnyCommandModule, ModuleInput, ModuleResult } from './shared/command-module.js';
import { siteCommands } from './site/site-claims.js';
import { workOrderCommands } from './work-order/work-order-commands.js';

/** Each area's commands, one line an area; a type named by two areas would be a mistake the registry's test catches. */
export const COMMAND_AREAS = {
  person: personCommands,
  site: siteCommands,
  resource: resourceCommands,
  push: pushCommands,
  apiKey: apiKeyCommands,
  subject: subjectCommands,
  synonym: synonymCommands,
  calendar: calendarCommands,
  message: messageCommands,
  workOrder: workOrderCommands,
  contentCheck: contentCheckCommands,
  migration: migrationCommands,
  siteExport: siteExportCommands,
  provincial: provincialCommands,
} satisfies Record<string, Record<string, AnyCommandModule>>;

type UnionToIntersection<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void ? I : never;
type AllCommands = UnionToIntersection<(typeof COMMAND_AREAS)[keyof typeof COMMAND_AREAS]>;

/** Every command by type: the areas' commands side by side. */
export const COMMANDS = Object.assign({}, ...Object.values(COMMAND_AREAS)) as AllCommands;

export type CommandType = keyof typeof COMMANDS;
export type CommandInput<T extends CommandType> = ModuleInput<(typeof COMMANDS)[T]>;
export type CommandResult<T extends CommandType> = ModuleResult<(typeof COMMANDS)[T]>;
