/**
 * What a normaliser returns when it cannot repair a value with confidence. The ingest keeps the value for a person
 * to decide instead of storing a guess, so every normaliser says why, in words a person can act on.
 */
export interface Flagged {
  flagged: true;
  reason: string;
}

export function flag(reason: string): Flagged {
  return { flagged: true, reason };
}
