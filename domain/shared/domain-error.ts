/**
 * A refusal by a domain rule. `code` is stable (API clients and tests match on it); the message exists in Chinese
 * for the platform's staff and in English for the rest of the team. `details` carries field-level problems.
 *
 * The category is declared where the error is raised, by whoever knows what went wrong: the request's input, who
 * asks, something that does not exist, or a conflict with the current state. The API reports it as it is.
 */
export interface FieldProblem {
  /** Dotted path of the field in the command, e.g. `metadata.docNumber`. */
  path: string;
  message: string;
}

export const ERROR_CATEGORIES = ['BAD_USER_INPUT', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

export class DomainError extends Error {
  constructor(
    readonly category: ErrorCategory,
    readonly code: string,
    readonly messageZh: string,
    messageEn: string,
    readonly details: FieldProblem[] = [],
    /** The rule that refused, e.g. `R-REVIEW-2`, when one did. */
    readonly rule?: string,
  ) {
    super(messageEn);
    this.name = 'DomainError';
  }
}
