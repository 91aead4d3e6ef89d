/**
 * The list of wrong and sensitive expressions (错敏词) content is checked against before publication (P-art.41(1):
 * 严重表述错误; N-art.24): outdated organisation names, wrong titles, commonly miswritten terms, sensitive wording,
 * each with what to write instead where there is one. Kept as data that platform administrators change through
 * events, in the stream `content-check-expressions`; the list in force is the fold of those events.
 */
import { z } from 'zod';
import { type Actor, requirePlatformRole } from '../shared/actor.js';
import type { Aggregate } from '../shared/command-handler.js';
import { type Decider, decided } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';
import { reason } from '../shared/schemas.js';

export const EXPRESSION_LIST_STREAM = 'content-check-expressions';

export const EXPRESSION_KINDS = ['outdated_name', 'wrong_title', 'miswritten', 'sensitive'] as const;
export type ExpressionKind = (typeof EXPRESSION_KINDS)[number];

/** The list may hold this many expressions: far more than any office keeps, few enough for one event. */
export const MAX_EXPRESSIONS = 20_000;

export const expressionEntry = z.strictObject({
  expression: z.string().trim().min(2, 'at least 2 characters: a single character matches everywhere').max(100),
  kind: z.enum(EXPRESSION_KINDS),
  /** What to write instead. */
  suggestion: z.string().trim().min(1).max(200).optional(),
  note: z.string().trim().max(500).optional(),
});
export type ExpressionEntry = z.output<typeof expressionEntry>;

export const expressionCommandSchemas = {
  AddContentExpressions: z.strictObject({
    expressions: z.array(expressionEntry).min(1).max(MAX_EXPRESSIONS),
    reason,
  }),
  RemoveContentExpressions: z.strictObject({
    expressions: z.array(z.string().trim().min(1).max(100)).min(1).max(MAX_EXPRESSIONS),
    reason,
  }),
};

export const expressionEventSchemas = {
  ContentExpressionsAdded: z.strictObject({ expressions: z.array(expressionEntry), reason: z.string() }),
  ContentExpressionsRemoved: z.strictObject({ expressions: z.array(z.string()), reason: z.string() }),
};

type Schemas<T extends Record<string, z.ZodType>> = { [K in keyof T]: { type: K; data: z.output<T[K]> } }[keyof T];
export type ExpressionEvent = Schemas<typeof expressionEventSchemas>;
export type ExpressionCommand = Schemas<typeof expressionCommandSchemas> & { actor: Actor };

export interface ExpressionList {
  /** By expression; adding an expression again replaces its entry. */
  readonly entries: ReadonlyMap<string, ExpressionEntry>;
  /** How many changes made it: matchers built from the list are cached by it. */
  readonly revision: number;
}

export const expressionListDecider: Decider<ExpressionList, ExpressionCommand, ExpressionEvent> = {
  initialState: () => ({ entries: new Map(), revision: 0 }),
  decide(command, list) {
    const role = requirePlatformRole(command.actor, 'platform_admin');
    if (command.type === 'AddContentExpressions') {
      const { expressions, reason } = command.data;
      const seen = new Set<string>();
      const repeated = expressions.flatMap((e, i) => {
        const again = seen.has(e.expression);
        seen.add(e.expression);
        return again ? [{ path: `expressions.${i}.expression`, message: `${e.expression} is listed twice` }] : [];
      });
      if (repeated.length > 0)
        throw new DomainError(
          'BAD_USER_INPUT',
          'EXPRESSION_REPEATED',
          '同一词语重复列出',
          'an expression is listed twice',
          repeated,
        );
      const total = new Set([...list.entries.keys(), ...seen]).size;
      if (total > MAX_EXPRESSIONS)
        throw new DomainError(
          'CONFLICT',
          'EXPRESSION_LIST_FULL',
          `错敏词表最多 ${MAX_EXPRESSIONS} 条`,
          `the list holds at most ${MAX_EXPRESSIONS} expressions (${total} asked)`,
        );
      const changed = expressions.filter((e) => JSON.stringify(list.entries.get(e.expression)) !== JSON.stringify(e));
      if (changed.length === 0) return decided(role);
      return decided(role, { type: 'ContentExpressionsAdded', data: { expressions: changed, reason } });
    }
    const present = [...new Set(command.data.expressions)].filter((e) => list.entries.has(e));
    if (present.length === 0) return decided(role);
    return decided(role, {
      type: 'ContentExpressionsRemoved',
      data: { expressions: present, reason: command.data.reason },
    });
  },
  evolve(list, event) {
    const entries = new Map(list.entries);
    if (event.type === 'ContentExpressionsAdded') for (const e of event.data.expressions) entries.set(e.expression, e);
    else for (const e of event.data.expressions) entries.delete(e);
    return { entries, revision: list.revision + 1 };
  },
};

export const expressionListAggregate: Aggregate<ExpressionList, ExpressionCommand, ExpressionEvent> = {
  decider: expressionListDecider,
  eventSchemas: expressionEventSchemas,
};
