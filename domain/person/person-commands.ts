/**
 * The person's commands (R-PEOPLE-1..3) on `person-<id>`; a role granted on a site needs that site open.
 */
import type { z } from 'zod';
import { streamCommand } from '../shared/command-module.js';
import {
  type PersonCommand,
  type PersonCommandContext,
  personAggregate,
  personCommandSchemas,
  personStream,
} from './person.js';

type PersonCommandType = keyof typeof personCommandSchemas;
type Input = { personId: string; siteId?: string };

function personCommand<Schema extends z.ZodType<Input>>(type: PersonCommandType, schema: Schema) {
  return streamCommand({
    input: schema,
    aggregate: personAggregate,
    stream: (input) => personStream(input.personId),
    async context(input, _state, { reader }): Promise<PersonCommandContext> {
      if (!input.siteId) return {};
      const site = await reader.site(input.siteId);
      return { site: { status: site.exists ? site.status : null } };
    },
    // The schemas are those of the command type: the data belongs to the command of that type.
    command: (data, actor, context) => ({ type, data, actor, context }) as PersonCommand,
    siteId: (input) => input.siteId ?? null,
  });
}

export const personCommands = {
  RegisterPerson: personCommand('RegisterPerson', personCommandSchemas.RegisterPerson),
  GrantSiteRole: personCommand('GrantSiteRole', personCommandSchemas.GrantSiteRole),
  RevokeSiteRole: personCommand('RevokeSiteRole', personCommandSchemas.RevokeSiteRole),
  GrantPlatformRole: personCommand('GrantPlatformRole', personCommandSchemas.GrantPlatformRole),
  RevokePlatformRole: personCommand('RevokePlatformRole', personCommandSchemas.RevokePlatformRole),
  DeactivatePerson: personCommand('DeactivatePerson', personCommandSchemas.DeactivatePerson),
};
