/**
 * The subject taxonomy (主题分类): the published base in `subject-taxonomy.json` plus the second-level entries
 * administrators add through events. It is a value: extending returns a new taxonomy, so a fold over the extension
 * events rebuilds exactly the taxonomy that was in force after any of them.
 */
import { z } from 'zod';
import { DomainError } from '../shared/domain-error.js';
import baseData from './subject-taxonomy.json' with { type: 'json' };

export const SUBJECT_SEPARATOR = '/';
export const CATCH_ALL = '其他';
const MAX_NAME_LENGTH = 50;

export interface SubjectCategory {
  name: string;
  secondLevels: readonly string[];
}

const nameSchema = z
  .string()
  .trim()
  .min(1, 'a subject name must not be empty')
  .max(MAX_NAME_LENGTH, `a subject name has at most ${MAX_NAME_LENGTH} characters`)
  .refine((name) => !name.includes(SUBJECT_SEPARATOR), `a subject name must not contain ${SUBJECT_SEPARATOR}`)
  .refine((name) => !/\p{Cc}/u.test(name), 'a subject name must not contain control characters');

const taxonomyDataSchema = z
  .object({
    categories: z.array(z.strictObject({ name: nameSchema, secondLevels: z.array(nameSchema) })).min(1),
  })
  .superRefine((data, ctx) => {
    const tops = new Set<string>();
    data.categories.forEach((category, i) => {
      if (tops.has(category.name)) ctx.addIssue({ code: 'custom', path: ['categories', i], message: 'repeated' });
      tops.add(category.name);
      if (new Set(category.secondLevels).size !== category.secondLevels.length) {
        ctx.addIssue({ code: 'custom', path: ['categories', i, 'secondLevels'], message: 'repeated entry' });
      }
    });
  });

export type SubjectTaxonomyData = z.input<typeof taxonomyDataSchema>;

export class SubjectTaxonomy {
  readonly #categories: ReadonlyMap<string, readonly string[]>;
  /**
   * Categories published without any second level (only the top-level 其他): they are the one place a path may stop
   * at the top level. Fixed by the base data, so that extending such a category later does not turn subjects that were
   * valid when they were stored into invalid ones.
   */
  readonly #leaves: ReadonlySet<string>;

  private constructor(categories: ReadonlyMap<string, readonly string[]>, leaves: ReadonlySet<string>) {
    this.#categories = categories;
    this.#leaves = leaves;
    Object.freeze(this);
  }

  static #base: SubjectTaxonomy | undefined;

  /** The published taxonomy without administrator extensions (parsed once: it is immutable). */
  static base(): SubjectTaxonomy {
    SubjectTaxonomy.#base ??= SubjectTaxonomy.fromData(baseData);
    return SubjectTaxonomy.#base;
  }

  static fromData(data: SubjectTaxonomyData): SubjectTaxonomy {
    const parsed = taxonomyDataSchema.safeParse(data);
    if (!parsed.success) {
      // Base data ships with the code; a malformed file is a programming error, not a user's mistake.
      throw new Error(`subject taxonomy data is malformed: ${z.prettifyError(parsed.error)}`);
    }
    const categories = new Map(parsed.data.categories.map((c) => [c.name, Object.freeze([...c.secondLevels])]));
    const leaves = new Set(parsed.data.categories.filter((c) => c.secondLevels.length === 0).map((c) => c.name));
    return new SubjectTaxonomy(categories, leaves);
  }

  withSecondLevel(top: string, second: string): SubjectTaxonomy {
    const topName = top.trim();
    const existing = this.#categories.get(topName);
    if (existing === undefined) {
      throw new DomainError(
        'BAD_USER_INPUT',
        'UNKNOWN_SUBJECT',
        `一级主题分类"${topName}"不存在`,
        `no top-level subject "${topName}"`,
        [{ path: 'top', message: 'not a top-level subject of the taxonomy' }],
      );
    }
    const parsed = nameSchema.safeParse(second);
    if (!parsed.success) {
      throw new DomainError(
        'BAD_USER_INPUT',
        'INVALID_SUBJECT',
        '二级主题分类名称不符合要求',
        'the second-level subject name is not acceptable',
        parsed.error.issues.map((issue) => ({ path: 'second', message: issue.message })),
      );
    }
    const name = parsed.data;
    if (existing.includes(name)) {
      throw new DomainError(
        'CONFLICT',
        'SUBJECT_EXISTS',
        `主题分类"${topName}/${name}"已存在`,
        `subject "${topName}/${name}" exists`,
        [{ path: 'second', message: 'already a second-level subject of this category' }],
      );
    }
    // The catch-all stays last, where people look for it.
    const catchAll = existing.indexOf(CATCH_ALL);
    const secondLevels =
      catchAll === -1 ? [...existing, name] : [...existing.slice(0, catchAll), name, ...existing.slice(catchAll)];
    const categories = new Map(this.#categories).set(topName, Object.freeze(secondLevels));
    return new SubjectTaxonomy(categories, this.#leaves);
  }

  /** `一级/二级`, or a top level alone for a category published without second levels (the top-level 其他). */
  has(path: string): boolean {
    const segments = path.split(SUBJECT_SEPARATOR);
    const [top, second] = segments;
    if (top === undefined || segments.length > 2) return false;
    const secondLevels = this.#categories.get(top);
    if (secondLevels === undefined) return false;
    return second === undefined ? this.#leaves.has(top) : secondLevels.includes(second);
  }

  list(): readonly SubjectCategory[] {
    return Object.freeze([...this.#categories].map(([name, secondLevels]) => Object.freeze({ name, secondLevels })));
  }
}
