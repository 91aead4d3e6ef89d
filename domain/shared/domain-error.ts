/**
 * A refusal by a domain rule. `code` is stable (API clients and tests match on it); the message exists in Chinese
 * for the platform's staff and in English for the rest of the team. `details` carries field-level problems.
 */
export interface FieldProblem {
  /** Dotted path of the field in the command, e.g. `metadata.docNumber`. */
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
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
