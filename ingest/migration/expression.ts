/**
 * A source expression and its process steps: where a field's value comes from in the row (`from: 标题`, a dotted
 * path, or `@name` for a value the configuration derived earlier), a constant (`value: 主动公开`), or the first of
 * several alternatives that gives one (`first: [...]`), then the steps in order. Evaluating it yields the field's
 * outcome as the report counts it: given, normalised, defaulted, proposed, flagged or missing.
 */
import { z } from 'zod';
import type { FieldOutcome, FieldStatus, SubjectProposal } from './field-outcome.js';
import { STEPS } from './steps/registry.js';
import type { CompileProblem, StepContext, StepEnvironment, StepFunction } from './steps/step.js';
import { isMissing, type SourceRecord, sameValue, type Value, valueAt } from './values.js';

export type ConfigPath = (string | number)[];

export interface StepSpec {
  name: string;
  options: unknown;
  /** Where the step's options sit, relative to the expression: `['steps', 2, 'lookup']`. */
  path: ConfigPath;
}

export type ExpressionSpec = {
  steps: StepSpec[];
  note?: string;
} & ({ from: string } | { value: Value } | { first: ExpressionSpec[] });

const SOURCES = ['from', 'value', 'first'] as const;
const ALLOWED_KEYS = new Set<string>([...SOURCES, 'steps', 'note']);

function knownSteps(): string {
  return [...STEPS.keys()].join(', ');
}

function parseStep(raw: unknown, index: number, ctx: z.RefinementCtx, at: ConfigPath): StepSpec | undefined {
  const path = [...at, 'steps', index];
  let name: string;
  let options: unknown;
  if (typeof raw === 'string') {
    name = raw;
    options = undefined;
  } else if (typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Object.keys(raw).length === 1) {
    [name] = Object.keys(raw) as [string];
    options = (raw as Record<string, unknown>)[name];
  } else {
    ctx.addIssue({ code: 'custom', path, message: 'a step is a name (`trim`) or one name with its options' });
    return undefined;
  }
  const definition = STEPS.get(name);
  if (definition === undefined) {
    ctx.addIssue({ code: 'custom', path, message: `unknown step "${name}"; the steps are: ${knownSteps()}` });
    return undefined;
  }
  const optionsPath = typeof raw === 'string' ? path : [...path, name];
  const parsed = definition.options.safeParse(options);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const message =
        options === undefined && issue.code === 'invalid_type'
          ? `the step ${name} needs options (${definition.summary})`
          : issue.code === 'invalid_type' && issue.expected === 'undefined'
            ? `the step ${name} takes no options; write it as a bare name`
            : issue.message;
      ctx.addIssue({ ...issue, message, path: [...optionsPath, ...issue.path] } as z.core.$ZodRawIssue);
    }
    return undefined;
  }
  return { name, options: parsed.data, path: typeof raw === 'string' ? ['steps', index] : ['steps', index, name] };
}

/** Parses an expression from YAML, adding an issue per problem under `at` (relative to the current zod path). */
export function parseExpression(raw: unknown, ctx: z.RefinementCtx, at: ConfigPath = []): ExpressionSpec | undefined {
  if (typeof raw === 'string')
    return raw.trim() === '' ? invalid(ctx, at, 'an empty field name') : { from: raw, steps: [] };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return invalid(ctx, at, 'an expression is a field name, or a map with one of from, value or first');
  }
  const record = raw as Record<string, unknown>;
  let ok = true;
  for (const key of Object.keys(record)) {
    if (!ALLOWED_KEYS.has(key)) {
      ctx.addIssue({
        code: 'unrecognized_keys',
        keys: [key],
        path: at,
        message: `"${key}" is not part of an expression (from, value or first; steps; note)`,
      });
      ok = false;
    }
  }
  const sources = SOURCES.filter((key) => key in record);
  if (sources.length !== 1) {
    return invalid(
      ctx,
      at,
      sources.length === 0
        ? 'an expression needs one of from (a field of the row), value (a constant) or first (alternatives)'
        : `an expression has one source, not ${sources.join(' and ')}`,
    );
  }
  const rawSteps = record.steps ?? [];
  const steps: StepSpec[] = [];
  if (!Array.isArray(rawSteps)) {
    ctx.addIssue({ code: 'custom', path: [...at, 'steps'], message: 'steps are a list' });
    ok = false;
  } else {
    rawSteps.forEach((step, i) => {
      const parsed = parseStep(step, i, ctx, at);
      if (parsed === undefined) ok = false;
      else steps.push(parsed);
    });
  }
  if (record.note !== undefined && typeof record.note !== 'string') {
    ctx.addIssue({ code: 'custom', path: [...at, 'note'], message: 'a note is text' });
    ok = false;
  }
  const note = typeof record.note === 'string' ? { note: record.note } : {};
  const [source] = sources as [(typeof SOURCES)[number]];
  if (source === 'from') {
    if (typeof record.from !== 'string' || record.from.trim() === '') {
      return invalid(ctx, [...at, 'from'], 'from names a field of the row (a dotted path) or @ a derived value');
    }
    return ok ? { from: record.from, steps, ...note } : undefined;
  }
  if (source === 'value') return ok ? { value: record.value as Value, steps, ...note } : undefined;
  if (!Array.isArray(record.first) || record.first.length === 0) {
    return invalid(ctx, [...at, 'first'], 'first is a list of alternative expressions');
  }
  const alternatives = record.first.map((alternative, i) => parseExpression(alternative, ctx, [...at, 'first', i]));
  if (!ok || alternatives.some((alternative) => alternative === undefined)) return undefined;
  return { first: alternatives as ExpressionSpec[], steps, ...note };
}

function invalid(ctx: z.RefinementCtx, path: ConfigPath, message: string): undefined {
  ctx.addIssue({ code: 'custom', path, message });
  return undefined;
}

/** A zod schema for an expression position of the configuration. */
export const expressionSchema = z.unknown().transform((raw, ctx) => parseExpression(raw, ctx) ?? z.NEVER);

interface CompiledStep {
  name: string;
  kind: 'extract' | 'cleanse';
  runsOnMissing: boolean;
  run: StepFunction;
}

export interface CompiledExpression {
  readonly source: { from: string } | { value: Value } | { first: CompiledExpression[] };
  readonly steps: readonly CompiledStep[];
  readonly note?: string;
}

export interface CompileContext {
  environment: Omit<StepEnvironment, 'compileExpression'>;
  /** Names of derived values declared before this expression (`@name`). */
  derived: ReadonlySet<string>;
  problems: { path: ConfigPath; message: string }[];
  /** Every `from` of a row field, with where it is written, to check against the fields the source declares. */
  references: { path: ConfigPath; from: string }[];
}

export function compileExpression(spec: ExpressionSpec, at: ConfigPath, context: CompileContext): CompiledExpression {
  if ('from' in spec && spec.from.startsWith('@') && !context.derived.has(spec.from.slice(1))) {
    const known = [...context.derived].map((name) => `@${name}`);
    context.problems.push({
      path: [...at, 'from'],
      message: `no derived value ${spec.from} is declared before this point${known.length > 0 ? ` (declared: ${known.join(', ')})` : ''}`,
    });
  }
  if ('from' in spec && !spec.from.startsWith('@')) context.references.push({ path: [...at, 'from'], from: spec.from });
  const source =
    'first' in spec
      ? { first: spec.first.map((alternative, i) => compileExpression(alternative, [...at, 'first', i], context)) }
      : 'from' in spec
        ? { from: spec.from }
        : { value: spec.value };
  const steps = spec.steps.map((step): CompiledStep => {
    const definition = STEPS.get(step.name)!;
    const stepPath = [...at, ...step.path];
    const problems: CompileProblem[] = [];
    const environment: StepEnvironment = {
      ...context.environment,
      compileExpression: (raw, path) => {
        const nested = expressionSchema.safeParse(raw);
        if (!nested.success) {
          for (const issue of nested.error.issues) {
            context.problems.push({ path: [...stepPath, ...path, ...issue.path.map(String)], message: issue.message });
          }
          return { source: { value: undefined }, steps: [] } satisfies CompiledExpression;
        }
        return compileExpression(nested.data, [...stepPath, ...path], context);
      },
    };
    const run = definition.compile(step.options as never, environment, problems);
    for (const problem of problems)
      context.problems.push({ path: [...stepPath, ...problem.path], message: problem.message });
    return { name: step.name, kind: definition.kind, runsOnMissing: definition.runsOnMissing ?? false, run };
  });
  return { source, steps, ...(spec.note !== undefined ? { note: spec.note } : {}) };
}

const PRECEDENCE: Record<FieldStatus, number> = {
  missing: 0,
  given: 1,
  normalised: 2,
  defaulted: 3,
  proposed: 4,
  flagged: 5,
};

function raise(current: FieldStatus, next: FieldStatus): FieldStatus {
  return PRECEDENCE[next] > PRECEDENCE[current] ? next : current;
}

/** Evaluates an expression against a row (and the values derived before it). */
export function evaluateExpression(
  expression: CompiledExpression,
  row: SourceRecord,
  derived: SourceRecord,
): FieldOutcome {
  const notes: string[] = [];
  let status: FieldStatus;
  let value: Value;
  let original: Value;
  let flagReason: string | undefined;
  let proposal: SubjectProposal | undefined;

  const { source } = expression;
  if ('from' in source) {
    value = source.from.startsWith('@') ? derived[source.from.slice(1)] : valueAt(row, source.from);
    original = value;
    status = 'given';
  } else if ('value' in source) {
    value = source.value;
    // `value: ~` is a field with no source of its own, for steps that fill it (classify, default).
    status = isMissing(value) ? 'missing' : 'defaulted';
  } else {
    const outcomes = source.first.map((alternative) => ({
      alternative,
      outcome: undefined as FieldOutcome | undefined,
    }));
    let chosen: FieldOutcome | undefined;
    let firstFlag: FieldOutcome | undefined;
    for (const [i, entry] of outcomes.entries()) {
      entry.outcome = evaluateExpression(entry.alternative, row, derived);
      const outcome = entry.outcome;
      if (outcome.status === 'flagged' && outcome.value === undefined) {
        firstFlag ??= outcome;
        notes.push(`alternative ${i + 1} flagged: ${outcome.flagReason}`);
        continue;
      }
      if (outcome.status !== 'missing') {
        chosen = outcome;
        break;
      }
    }
    const taken = chosen ?? firstFlag;
    value = taken?.value;
    original = taken?.original ?? outcomes.find((entry) => entry.outcome?.original !== undefined)?.outcome?.original;
    status = taken?.status ?? 'missing';
    flagReason = taken?.flagReason;
    proposal = taken?.proposal;
    if (taken !== undefined) notes.push(...taken.notes);
  }

  const context: StepContext = {
    row,
    evaluate: (nested) => evaluateExpression(nested as CompiledExpression, row, derived).value,
  };
  for (const step of expression.steps) {
    if (isMissing(value) && !step.runsOnMissing) continue;
    if (status === 'flagged' && value === undefined) break;
    const before = value;
    const result = step.run(value, context);
    if ('flagged' in result) {
      notes.push(`${step.name}: ${result.flagged}`);
      flagReason ??= result.flagged;
      status = 'flagged';
      value = result.kept;
      if (result.kept === undefined) break;
      continue;
    }
    if ('missing' in result) {
      notes.push(`${step.name}: ${result.missing}`);
      value = undefined;
      continue;
    }
    if ('proposed' in result) {
      value = result.proposed;
      proposal = result.proposal;
      status = raise(status, 'proposed');
      if (result.note !== undefined) notes.push(`${step.name}: ${result.note}`);
      continue;
    }
    value = result.value;
    if (result.note !== undefined) notes.push(`${step.name}: ${result.note}`);
    if (result.defaulted) status = raise(status === 'missing' ? 'given' : status, 'defaulted');
    else if (step.kind === 'cleanse' && (result.changed ?? !sameValue(before, value)))
      status = raise(status, 'normalised');
  }

  if (expression.note !== undefined && !isMissing(value)) notes.push(expression.note);
  if (isMissing(value) && status !== 'flagged') {
    status = 'missing';
    value = undefined;
  }
  if (isMissing(value) && status === 'flagged') value = undefined;
  const outcome: FieldOutcome = { status, notes };
  if (value !== undefined) outcome.value = value;
  if (original !== undefined && !isMissing(original)) outcome.original = original;
  if (flagReason !== undefined) outcome.flagReason = flagReason;
  if (proposal !== undefined && status === 'proposed') outcome.proposal = proposal;
  return outcome;
}
