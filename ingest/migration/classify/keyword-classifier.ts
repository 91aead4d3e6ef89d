/**
 * A classifier from keyword lists per subject (data: `subject-keywords.yaml`). A subject scores 3 for each of its
 * words in the title and 1 for each occurrence in the opening of the body (at most 5 per word, so that one word a
 * long text repeats does not decide alone). Only the opening is read: regulations and notices say what they are
 * about in their first article or paragraph (为了…，制定本办法), and reading every body whole would cost the time of
 * a migration of thousands of pages. Confidence is the best score's share of the best two plus a constant for weak
 * evidence: one title word alone gives 0.6, two subjects with the same score 0.5 at most.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SUBJECT_SEPARATOR, type SubjectTaxonomy } from '../../../domain/metadata/index.js';
import type { ClassifiedText, SubjectCandidate, SubjectClassifier } from './subject-classifier.js';

export const DEFAULT_SUBJECT_KEYWORDS = fileURLToPath(new URL('./subject-keywords.yaml', import.meta.url));

const TITLE_WEIGHT = 3;
const MAX_BODY_HITS = 5;
const OPENING_CHARACTERS = 3000;
/** Evidence short of this much keeps the confidence down: a score of 1 alone is 1 / (1 + 0 + 2). */
const WEAK_EVIDENCE = 2;

const keywordsSchema = z.record(z.string(), z.array(z.string().trim().min(1)).min(1));

/** Two UTF-16 units as one number: a set of them costs no strings. */
function pairOf(text: string, at: number): number {
  return text.charCodeAt(at) * 65_536 + text.charCodeAt(at + 1);
}

/** A small hash of a pair, for a bitmap that rules most pairs of a text out before any lookup. */
const PAIR_BITS = 20;
function pairHash(text: string, at: number): number {
  return ((text.charCodeAt(at) * 40_503) ^ text.charCodeAt(at + 1)) & ((1 << PAIR_BITS) - 1);
}

function occurrences(text: string, word: string, max: number): number {
  let count = 0;
  for (let at = text.indexOf(word); at !== -1 && count < max; at = text.indexOf(word, at + word.length)) count++;
  return count;
}

export class KeywordClassifier implements SubjectClassifier {
  readonly name = 'keyword-lists';
  readonly #keywords: ReadonlyMap<string, readonly string[]>;
  /** Every word of every list, numbered, and the numbers of the words that begin with each pair of characters. */
  readonly #words: string[] = [];
  readonly #byFirstPair = new Map<number, number[]>();
  readonly #firstPairBits = new Uint32Array((1 << PAIR_BITS) / 32);

  private constructor(keywords: ReadonlyMap<string, readonly string[]>) {
    this.#keywords = keywords;
    for (const words of keywords.values())
      for (const word of words) {
        const number = this.#words.push(word) - 1;
        if (word.length < 2) continue;
        const pair = pairOf(word, 0);
        const hash = pairHash(word, 0);
        this.#firstPairBits[hash >>> 5]! |= 1 << (hash & 31);
        const list = this.#byFirstPair.get(pair);
        if (list) list.push(number);
        else this.#byFirstPair.set(pair, [number]);
      }
  }

  /**
   * Keyword lists checked against the taxonomy: a list for a subject the taxonomy lacks would propose something
   * no resource may carry, so it is refused with the subjects named.
   */
  static fromData(data: unknown, taxonomy: SubjectTaxonomy): KeywordClassifier {
    const parsed = keywordsSchema.parse(data);
    const unknown = Object.keys(parsed).filter((subject) => !taxonomy.has(subject));
    if (unknown.length > 0) throw new Error(`keyword lists for subjects not in the taxonomy: ${unknown.join(', ')}`);
    return new KeywordClassifier(new Map(Object.entries(parsed)));
  }

  static fromFile(path: string, taxonomy: SubjectTaxonomy): KeywordClassifier {
    return KeywordClassifier.fromData(parseYaml(readFileSync(path, 'utf8')), taxonomy);
  }

  propose({ title, body }: ClassifiedText, within?: string): SubjectCandidate[] {
    const opening = body.slice(0, OPENING_CHARACTERS);
    // Most words of most lists are not in a given text: one pass over the opening finds the words whose first two
    // characters stand together there, and only those are searched (a migration classifies every row).
    const candidate = new Uint8Array(this.#words.length);
    const bits = this.#firstPairBits;
    for (let i = 0; i + 1 < opening.length; i++) {
      const hash = pairHash(opening, i);
      if ((bits[hash >>> 5]! & (1 << (hash & 31))) === 0) continue;
      const numbers = this.#byFirstPair.get(pairOf(opening, i));
      if (numbers) for (const number of numbers) candidate[number] = 1;
    }
    const scored: { subject: string; score: number; evidence: string[] }[] = [];
    let number = 0;
    for (const [subject, words] of this.#keywords) {
      if (within !== undefined && !subject.startsWith(`${within}${SUBJECT_SEPARATOR}`)) {
        number += words.length;
        continue;
      }
      let score = 0;
      const evidence: string[] = [];
      for (const word of words) {
        const searched = word.length < 2 || candidate[number++] === 1;
        const inTitle = title.includes(word);
        const inBody = searched ? occurrences(opening, word, MAX_BODY_HITS) : 0;
        if (!inTitle && inBody === 0) continue;
        score += (inTitle ? TITLE_WEIGHT : 0) + inBody;
        evidence.push(`${word}${inTitle ? ' (title)' : ''}${inBody > 0 ? ` ×${inBody}` : ''}`);
      }
      if (score > 0) scored.push({ subject, score, evidence });
    }
    scored.sort((a, b) => b.score - a.score || a.subject.localeCompare(b.subject));
    return scored.map((candidate, i) => {
      const rival = i === 0 ? (scored[1]?.score ?? 0) : (scored[0]?.score ?? 0);
      const confidence = candidate.score / (candidate.score + rival + WEAK_EVIDENCE);
      return {
        subject: candidate.subject,
        confidence: Math.round(confidence * 100) / 100,
        evidence: candidate.evidence,
      };
    });
  }
}
