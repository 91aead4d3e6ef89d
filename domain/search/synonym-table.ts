/**
 * The search synonyms (检索同义词): abbreviations and everyday names people type (发改委, 人社局, 皖政办, 医保) with
 * the full names documents write (发展和改革委员会, 人力资源和社会保障局, 安徽省人民政府办公厅, 医疗保障). The table
 * in force is the published base (government-abbreviations.ts) folded with the changes administrators make through
 * events. A search for a term also finds its expansions; a search for a full name does not turn into the
 * abbreviation, since documents spell names out (metadata.md: a publisher is never an abbreviation), so the way people
 * need is from the short form to the long one.
 *
 * It is a value: a change returns a new table, so a fold over the events rebuilds exactly the table that was in force
 * after any of them.
 */
import { z } from 'zod';
import { DomainError } from '../shared/domain-error.js';
import { GOVERNMENT_ABBREVIATIONS } from './government-abbreviations.js';

export const MAX_EXPANSIONS = 10;

/**
 * A term or an expansion is matched as written (apart from width and case): no white space, no quotes and no leading
 * minus, which the search syntax would read as something else, and at least one letter, digit or Han character.
 */
const text = (what: string, min: number, max: number) =>
  z
    .string()
    .transform((value) => value.normalize('NFKC').trim())
    .pipe(
      z
        .string()
        .min(min, `${what} has at least ${min} characters`)
        .max(max, `${what} has at most ${max} characters`)
        .refine((value) => !/[\s"“”]/u.test(value), `${what} has no spaces or quotes`)
        .refine((value) => !value.startsWith('-'), `${what} does not start with -`)
        .refine((value) => /[\p{L}\p{N}]/u.test(value), `${what} has letters, digits or Chinese characters`),
    );

export const synonymTerm = text('a term', 2, 20);
export const synonymExpansion = text('an expansion', 2, 60);
export const synonymExpansions = z
  .array(synonymExpansion)
  .min(1, 'at least one expansion')
  .max(MAX_EXPANSIONS, `at most ${MAX_EXPANSIONS} expansions`);

export interface SynonymEntry {
  term: string;
  expansions: readonly string[];
}

function invalid(path: string, messages: string[]): DomainError {
  return new DomainError(
    'BAD_USER_INPUT',
    'INVALID_SYNONYM',
    '检索同义词不符合要求',
    'the search synonym is not acceptable',
    messages.map((message) => ({ path, message })),
  );
}

function parsed<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(path, [...new Set(result.error.issues.map((issue) => issue.message))]);
  return result.data;
}

export class SynonymTable {
  readonly #entries: ReadonlyMap<string, readonly string[]>;

  private constructor(entries: ReadonlyMap<string, readonly string[]>) {
    this.#entries = entries;
    Object.freeze(this);
  }

  static #base: SynonymTable | undefined;

  /** The published table without administrators' changes (built once: it is immutable). */
  static base(): SynonymTable {
    SynonymTable.#base ??= SynonymTable.fromEntries(
      GOVERNMENT_ABBREVIATIONS.map(([term, expansions]) => ({ term, expansions })),
    );
    return SynonymTable.#base;
  }

  /** A table of these entries, each checked as an administrator's would be; a term listed twice is refused. */
  static fromEntries(entries: readonly SynonymEntry[]): SynonymTable {
    let table = new SynonymTable(new Map());
    for (const entry of entries) {
      if (table.expansionsOf(entry.term).length > 0) {
        throw invalid('term', [`${entry.term} is listed twice`]);
      }
      table = table.withExpansions(entry.term, entry.expansions);
    }
    return table;
  }

  /** A table as a read model stored it (entries as decided and folded, so not checked again). */
  static fromStored(entries: readonly SynonymEntry[]): SynonymTable {
    return new SynonymTable(new Map(entries.map(({ term, expansions }) => [term, Object.freeze([...expansions])])));
  }

  /** The expansions of a term, as listed (empty when the term is not in the table). */
  expansionsOf(term: string): readonly string[] {
    return this.#entries.get(term.normalize('NFKC').trim()) ?? [];
  }

  /** Every entry, in the order terms came into the table. */
  entries(): readonly SynonymEntry[] {
    return Object.freeze([...this.#entries].map(([term, expansions]) => Object.freeze({ term, expansions })));
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Which of these expansions the term lacks, after the checks (in the order given, each once). */
  newExpansions(term: string, expansions: readonly string[]): { term: string; expansions: string[] } {
    const key = parsed(synonymTerm, term, 'term');
    const given = parsed(synonymExpansions, expansions, 'expansions');
    const problems = given.filter((expansion) => expansion === key).map(() => 'an expansion differs from its term');
    if (problems.length > 0) throw invalid('expansions', problems);
    const present = this.#entries.get(key) ?? [];
    return { term: key, expansions: [...new Set(given)].filter((expansion) => !present.includes(expansion)) };
  }

  /** The table with these expansions added to the term (a new term when it had none). */
  withExpansions(term: string, expansions: readonly string[]): SynonymTable {
    const added = this.newExpansions(term, expansions);
    if (added.expansions.length === 0) {
      throw new DomainError(
        'CONFLICT',
        'SYNONYM_EXISTS',
        `检索同义词"${added.term}"已包含这些扩展词`,
        `the search synonym ${added.term} already has these expansions`,
        [{ path: 'expansions', message: 'every one is already an expansion of the term' }],
      );
    }
    const entries = new Map(this.#entries);
    entries.set(added.term, Object.freeze([...(this.#entries.get(added.term) ?? []), ...added.expansions]));
    return new SynonymTable(entries);
  }

  /**
   * The table with an added change folded in, leniently: a release may bring into the base what an administrator
   * had added before, and the log must fold all the same (decisions check; folds take what was decided).
   */
  folded(change: { kind: 'added' | 'removed'; term: string; expansions: readonly string[] }): SynonymTable {
    const present = this.#entries.get(change.term) ?? [];
    const expansions =
      change.kind === 'added'
        ? [...present, ...change.expansions.filter((expansion) => !present.includes(expansion))]
        : present.filter((expansion) => !change.expansions.includes(expansion));
    const entries = new Map(this.#entries);
    if (expansions.length === 0) entries.delete(change.term);
    else entries.set(change.term, Object.freeze(expansions));
    return new SynonymTable(entries);
  }

  /** Which expansions of the term a removal takes away: the ones named, or all of them when none is. */
  removedExpansions(term: string, expansions?: readonly string[]): { term: string; expansions: string[] } {
    const key = parsed(synonymTerm, term, 'term');
    const present = this.#entries.get(key);
    if (present === undefined) {
      throw new DomainError(
        'NOT_FOUND',
        'SYNONYM_NOT_FOUND',
        `检索同义词表中没有"${key}"`,
        `${key} is not in the search synonyms`,
        [{ path: 'term', message: 'not a term of the table' }],
      );
    }
    if (expansions === undefined || expansions.length === 0) return { term: key, expansions: [...present] };
    const named = [...new Set(parsed(synonymExpansions, expansions, 'expansions'))];
    const absent = named.filter((expansion) => !present.includes(expansion));
    if (absent.length > 0) {
      throw new DomainError(
        'BAD_USER_INPUT',
        'SYNONYM_NOT_FOUND',
        `检索同义词"${key}"没有扩展词：${absent.join('、')}`,
        `${key} has no expansion ${absent.join(', ')}`,
        absent.map((expansion) => ({ path: 'expansions', message: `${expansion} is not an expansion of the term` })),
      );
    }
    return { term: key, expansions: named };
  }

  /** The table without these expansions of the term (without the term when none is left). */
  withoutExpansions(term: string, expansions?: readonly string[]): SynonymTable {
    const removed = this.removedExpansions(term, expansions);
    const left = (this.#entries.get(removed.term) ?? []).filter((e) => !removed.expansions.includes(e));
    const entries = new Map(this.#entries);
    if (left.length === 0) entries.delete(removed.term);
    else entries.set(removed.term, Object.freeze(left));
    return new SynonymTable(entries);
  }
}
