/**
 * What proposes a taxonomy subject for a row whose old class is missing or unknown (R-LIB-4). A proposal is always
 * marked as one, with its confidence and evidence, and listed in the report for a person to confirm: it is never
 * asserted silently. The interface lets a better classifier replace the keyword lists without touching migrations.
 */
export interface SubjectCandidate {
  subject: string;
  /** 0..1: how far the evidence favours this subject over the others. */
  confidence: number;
  evidence: string[];
}

export interface ClassifiedText {
  title: string;
  body: string;
}

export interface SubjectClassifier {
  /** Named in the report beside each proposal. */
  readonly name: string;
  /** Candidates, best first; `within` restricts them to one top-level category (the old class named only that). */
  propose(text: ClassifiedText, within?: string): SubjectCandidate[];
}
