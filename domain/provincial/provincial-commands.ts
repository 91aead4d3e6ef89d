/**
 * The provincial library's commands (R-LIB-3): a change the province's feed brings (received, corrected, withdrawn,
 * archived; stream `provincial-<resourceId>`), and a site's request to take a provincial resource into one of its
 * columns, which becomes a push from the provincial library to that site (stream `push-<pushId>`), reviewed and
 * accepted with the push delivery's own commands.
 */

import { pushStream } from '../push/push.js';
import { streamCommand } from '../shared/command-module.js';
import { siteContextOf } from '../site/site.js';
import { provincialCommandSchemas, provincialResourceAggregate, provincialStream } from './provincial-resource.js';
import { provincialTakeAggregate, takeProvincialResourceSchema } from './provincial-take.js';

const receiveProvincialChange = streamCommand({
  input: provincialCommandSchemas.ReceiveProvincialChange,
  aggregate: provincialResourceAggregate,
  stream: (input) => provincialStream(input.resourceId),
  context: async (input, _state, { reader }, meta) => ({
    occurredAt: meta.occurredAt,
    ...(input.metadata === undefined ? {} : { taxonomy: await reader.subjectTaxonomy() }),
  }),
  command: (data, actor, context) => ({ type: 'ReceiveProvincialChange' as const, data, actor, context }),
  siteId: () => null,
});

const takeProvincialResource = streamCommand({
  input: takeProvincialResourceSchema,
  aggregate: provincialTakeAggregate,
  stream: (input) => pushStream(input.pushId),
  context: async (input, _state, { reader }, meta) => ({
    resource: await reader.provincialResource(input.resourceId),
    site: siteContextOf(await reader.site(input.siteId)),
    occurredAt: meta.occurredAt,
  }),
  command: (data, actor, context) => ({ type: 'TakeProvincialResource' as const, data, actor, context }),
  siteId: (input) => input.siteId,
});

export const provincialCommands = {
  ReceiveProvincialChange: receiveProvincialChange,
  TakeProvincialResource: takeProvincialResource,
};
