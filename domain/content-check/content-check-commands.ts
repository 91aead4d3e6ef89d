/** Platform administrators keep the list of wrong and sensitive expressions (P-art.41(1)) through these commands. */
import type { z } from 'zod';
import { streamCommand } from '../shared/command-module.js';
import {
  EXPRESSION_LIST_STREAM,
  type ExpressionCommand,
  expressionCommandSchemas,
  expressionListAggregate,
} from './expression-list.js';

function expressionCommand<Schema extends z.ZodType>(type: ExpressionCommand['type'], schema: Schema) {
  return streamCommand({
    input: schema,
    aggregate: expressionListAggregate,
    stream: () => EXPRESSION_LIST_STREAM,
    // The schemas are those of the command type: the data belongs to the command of that type.
    command: (data, actor) => ({ type, data, actor }) as ExpressionCommand,
    siteId: () => null,
  });
}

export const contentCheckCommands = {
  AddContentExpressions: expressionCommand('AddContentExpressions', expressionCommandSchemas.AddContentExpressions),
  RemoveContentExpressions: expressionCommand(
    'RemoveContentExpressions',
    expressionCommandSchemas.RemoveContentExpressions,
  ),
};
