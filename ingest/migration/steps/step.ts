/**
 * A process step (Drupal's process plugin): one named transformation of a field's value, configured in YAML as a bare
 * name (`trim`) or a name with options (`lookup: {table: publishers}`). Each step defines its options as a zod schema,
 * so a misspelt option is refused with its line before any row is read, and is compiled once per migration.
 */
import type { z } from 'zod';
import type { SubjectTaxonomy } from '../../../domain/metadata/index.js';
import type { SubjectClassifier } from '../classify/subject-classifier.js';
import type { SubjectProposal } from '../field-outcome.js';
import type { LookupTable } from '../lookup-table.js';
import type { SourceRecord, Value } from '../values.js';

export type StepResult =
  /** `changed: false` when the step only looked the value up or found it already in form. */
  | { value: Value; changed?: boolean; note?: string; defaulted?: boolean }
  /** `kept`: the value stays (it is the source's, only suspect); otherwise the field has no value. */
  | { flagged: string; kept?: Value }
  | { proposed: Value; proposal: SubjectProposal; note?: string }
  /** The step found nothing to give (no match, no entry where the configuration says that means missing). */
  | { missing: string };

export interface StepContext {
  /** The row the field belongs to, for steps that weigh other fields (the classifier reads the title and body). */
  row: SourceRecord;
  evaluate(expression: unknown): Value;
}

export type StepFunction = (value: Value, context: StepContext) => StepResult;

export interface CompileProblem {
  /** Relative to the step's options. */
  path: (string | number)[];
  message: string;
}

export interface StepEnvironment {
  tables: ReadonlyMap<string, LookupTable>;
  /** Tables the configuration declares, loaded or not: one whose file failed is reported once, at the file. */
  declaredTables: ReadonlySet<string>;
  taxonomy: SubjectTaxonomy;
  classifier: SubjectClassifier;
  /** Compiles a nested source expression (the classifier's title and text), reporting under the given path. */
  compileExpression(raw: unknown, path: (string | number)[]): unknown;
}

export interface StepDefinition<Options = unknown> {
  name: string;
  /** One line for the configuration reference and for the message listing known steps. */
  summary: string;
  /**
   * `extract` steps locate a value inside the source (a regex group, an item of a list): using them is not a
   * change to what the source said. `cleanse` steps rewrite it, and a rewrite counts as normalised in the report.
   */
  kind: 'extract' | 'cleanse';
  /** Steps that exist to fill a missing value (`default`, `classify`) run on it; the others are passed over. */
  runsOnMissing?: boolean;
  /** The options; a step without options accepts only its bare name (`undefined`). */
  options: z.ZodType<Options>;
  compile(options: Options, environment: StepEnvironment, problems: CompileProblem[]): StepFunction;
}
