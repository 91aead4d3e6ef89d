/**
 * Content checks before publication (P-art.41(1), N-art.24): the text fields of a version checked against the list of
 * wrong and sensitive expressions. A hit is an advisory, not a refusal: it names the field, the expression, where it
 * is (UTF-16 offsets, as `slice` takes them), the text around it and what to write instead, and it is shown in the
 * review queue and to the approver before the final review, who decide.
 */
import type { ExpressionEntry, ExpressionKind, ExpressionList } from './expression-list.js';
import { PhraseMatcher } from './phrase-matcher.js';

export const CHECKED_FIELDS = ['title', 'subtitle', 'summary', 'body', 'keywords'] as const;
export type CheckedField = (typeof CHECKED_FIELDS)[number];

export interface ContentAdvisory {
  field: CheckedField;
  expression: string;
  kind: ExpressionKind;
  suggestion: string | null;
  start: number;
  end: number;
  /** Up to 20 characters either side, for the reviewer to see it in context. */
  excerpt: string;
}

const CONTEXT = 20;

/** The list's matcher, built once per revision of the list. */
export class ContentChecker {
  private constructor(
    readonly revision: number,
    private readonly entries: ReadonlyMap<string, ExpressionEntry>,
    private readonly matcher: PhraseMatcher,
  ) {}

  static of(list: ExpressionList): ContentChecker {
    return new ContentChecker(list.revision, list.entries, new PhraseMatcher(list.entries.keys()));
  }

  /** The fields of a version's metadata; keywords are checked as one text joined by a line break. */
  check(metadata: Partial<Record<CheckedField, unknown>>): ContentAdvisory[] {
    const advisories: ContentAdvisory[] = [];
    for (const field of CHECKED_FIELDS) {
      const value = metadata[field];
      const text = Array.isArray(value) ? value.join('\n') : typeof value === 'string' ? value : '';
      for (const hit of this.matcher.find(text)) {
        const entry = this.entries.get(hit.expression)!;
        advisories.push({
          field,
          expression: hit.expression,
          kind: entry.kind,
          suggestion: entry.suggestion ?? null,
          start: hit.start,
          end: hit.end,
          excerpt: text.slice(Math.max(0, hit.start - CONTEXT), hit.end + CONTEXT),
        });
      }
    }
    return advisories.sort(
      (a, b) => CHECKED_FIELDS.indexOf(a.field) - CHECKED_FIELDS.indexOf(b.field) || a.start - b.start,
    );
  }
}
