/**
 * How text becomes search tokens, the same way in both search adapters, so that a query finds in one exactly what
 * it finds in the other.
 *
 * Every text field is indexed twice.
 * - Words: jieba's full mode (`cutAll`): every dictionary word found anywhere in the text, every single character,
 *   and runs of Latin letters or digits. Queries are cut in precise mode without HMM (`cut(…, false)`), which yields
 *   only dictionary words, Latin/digit runs and single characters, all of which full mode emits wherever the text
 *   contains them. So a query word that is a dictionary word finds every document containing it (集约 finds
 *   集约化平台, 市政府 finds 六安市政府, which precise mode cuts 六安市|政府) and no document that does not.
 * - Bigrams: overlapping pairs of adjacent Han characters (集约 约化 化平 平台), Latin/digit runs as they are, and a
 *   Han character with no Han neighbour alone, like the `cjk` analyzer of OpenSearch and Lucene; a Han character beside
 *   a letter or digit is a token alone as well as in its pair (bigramsOf). A passage that must
 *   appear as written is a phrase of these: adjacency of bigrams is adjacency of characters, and bigram lists are
 *   short enough for phrase checks to be fast. Spaces and punctuation between characters do not count.
 * A query word's dictionary words must all appear, anywhere and in any order (集约化平台 also finds a text about the
 * 平台 of 集约化 that never writes them together); where it breaks into a run of single characters (an abbreviation
 * such as 六政办, a name jieba does not know) the run must appear as written, since characters alone match almost
 * anything. A quoted phrase must appear as written.
 *
 * Measured on the 683 national regulations, a query word against "the text contains it": recall 1.000 and precision
 * 1.000 for one- to four-character words. Indexing `cutForSearch` words instead (and nothing else) had recall 0.19 for
 * single characters, 0.93 for two-character words and 0.87 for four-character ones, and precision 0.92 for
 * two-character words that jieba breaks into characters.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

let instance: Jieba | undefined;

// Loading the dictionary takes about a third of a second: once per process, and only when search is used.
function jieba(): Jieba {
  instance ??= Jieba.withDict(dict);
  return instance;
}

const HAN = /\p{Script=Han}/u;
// Letters and digits: what SQLite's unicode61 tokenizer keeps as token characters, apart from private-use ones, which
// carry no text anyone could type and which searchText drops. Splitting jieba's output the same way keeps one token on
// our side one token on the index side.
const TOKEN_RUN = /[\p{L}\p{N}]+/gu;
const PRIVATE_USE = /\p{Co}/gu;
const WHITE_SPACE = /[\s\u00A0\u3000]+/gu;
// Control characters carry no text; removing them also keeps highlighters' markers unambiguous (highlight.ts).
const CONTROL = /(?![\t\n\r])\p{Cc}/gu;
const FULL_WIDTH_ALPHANUMERIC = /[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/gu;
// Chinese does not separate words with spaces: `第一章 总则` and `第一章总则` are the same words, and a phrase or a
// run of characters should find either. Display keeps the spaces as written.
const SPACE_BETWEEN_HAN = /(?<=\p{Script=Han}) (?=\p{Script=Han})/gu;

/**
 * Text as search results show it: white space collapsed, full-width Latin letters and digits folded (２０２１ → 2021);
 * Chinese punctuation stays as written.
 */
export function displayText(text: string): string {
  return text
    .replace(CONTROL, '')
    .replace(FULL_WIDTH_ALPHANUMERIC, (char) => String.fromCharCode(char.charCodeAt(0) - 0xfee0))
    .replace(WHITE_SPACE, ' ')
    .trim();
}

/**
 * Text as matching compares it: compatibility forms folded (NFKC: full-width forms, ① → 1), private-use characters
 * dropped, white space collapsed, no spaces between Han characters, lower case.
 */
export function searchText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(PRIVATE_USE, '')
    .replace(WHITE_SPACE, ' ')
    .replace(SPACE_BETWEEN_HAN, '')
    .trim()
    .toLowerCase();
}

function tokenRuns(words: string[]): string[] {
  const tokens: string[] = [];
  for (const word of words) {
    for (const run of word.matchAll(TOKEN_RUN)) tokens.push(run[0]);
  }
  return tokens;
}

const isSingleHan = (token: string) => token.length <= 2 && [...token].length === 1 && HAN.test(token);

/** The word tokens of a field: every dictionary word, character and Latin/digit run, as often as they occur. */
export function wordTokens(text: string): string[] {
  const normalised = searchText(text);
  return normalised === '' ? [] : tokenRuns(jieba().cutAll(normalised));
}

const UNIT = /\p{Script=Han}|(?:(?!\p{Script=Han})[\p{L}\p{N}])+/gu;

/** The units of a text in order: each Han character, each run of other letters or digits. */
export function characterUnits(text: string): string[] {
  return searchText(text).match(UNIT) ?? [];
}

/**
 * Whether a unit (see characterUnits) is a Han character. A unit is one Han character or a run without any, so its
 * first character decides; the common ideographs are told by their code, the rest by the regular expression.
 */
function isHanUnit(unit: string): boolean {
  const code = unit.charCodeAt(0);
  if (code >= 0x4e00 && code <= 0x9fff) return true;
  return code >= 0x2e80 && HAN.test(unit);
}

/**
 * A Han character next to a letter or digit is a token alone as well as in its bigram, at the same place a query's
 * literal has it: a literal that begins or ends beside a number (试0号 in 测试0号的) is then a plain phrase of tokens
 * that the text contains as written.
 */
function bigramsOf(units: string[]): string[] {
  const han = units.map(isHanUnit);
  const tokens: string[] = [];
  for (let i = 0; i < units.length; i++) {
    const unit = units[i]!;
    if (!han[i]) {
      tokens.push(unit);
      continue;
    }
    const afterOther = i > 0 && !han[i - 1];
    const beforeOther = i + 1 < units.length && !han[i + 1];
    const pairs = han[i + 1] === true;
    const paired = i > 0 && han[i - 1];
    if (!pairs && !paired) tokens.push(unit);
    else {
      if (afterOther) tokens.push(unit);
      if (pairs) tokens.push(unit + units[i + 1]);
      if (beforeOther) tokens.push(unit);
    }
  }
  return tokens;
}

/** The bigram tokens of a text (see above), in order. */
export function bigramTokens(text: string): string[] {
  return bigramsOf(characterUnits(text));
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * characterUnits of a text in searchText form, the same units found with a loop over its characters: the regular
 * expression costs about as much as jieba does on a document's text.
 */
function scanUnits(normalised: string): string[] {
  const units: string[] = [];
  let run = -1;
  for (let i = 0; i < normalised.length; ) {
    const code = normalised.codePointAt(i)!;
    const size = code > 0xffff ? 2 : 1;
    const ascii = code < 0x80;
    const han =
      !ascii && ((code >= 0x4e00 && code <= 0x9fff) || (code >= 0x2e80 && HAN.test(normalised.slice(i, i + size))));
    const alphanumeric =
      !han &&
      (ascii
        ? (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a)
        : LETTER_OR_DIGIT.test(normalised.slice(i, i + size)));
    if (!alphanumeric && run >= 0) {
      units.push(normalised.slice(run, i));
      run = -1;
    }
    if (han) units.push(normalised.slice(i, i + size));
    else if (alphanumeric && run < 0) run = i;
    i += size;
  }
  if (run >= 0) units.push(normalised.slice(run));
  return units;
}

export interface IndexedText {
  words: string;
  bigrams: string;
}

const HAN_PAIR = /^\p{Script=Han}{2}$/u;

/**
 * Whether a word is two Han characters, which the bigram tokens of the same text always include. The word tokens
 * never include one (indexedText), so such a token is only ever found in the bigram columns.
 */
export function isHanPair(word: string): boolean {
  if (word.length === 2) {
    const first = word.charCodeAt(0);
    const second = word.charCodeAt(1);
    if (first >= 0x4e00 && first <= 0x9fff && second >= 0x4e00 && second <= 0x9fff) return true;
    if (first < 0x2e80 || second < 0x2e80) return false;
  }
  return word.length >= 2 && word.length <= 4 && HAN_PAIR.test(word);
}

/**
 * A field as the embedded index takes it: its word tokens and its bigram tokens, each separated by spaces, from one
 * normalisation of the text.
 * - The words are jieba's as they are: the index's tokenizer (unicode61) splits them at what is not a letter or
 *   digit, exactly as tokenRuns does for the other adapter, so that pass is left to SQLite.
 * - Two-character words are left out of the words: each is the bigram token of the same two characters, and a word
 *   query searches the bigram columns too, so it finds the same documents; indexing them twice only doubled their
 *   weight in bm25, and cost a fifth of the index's tokens.
 */
export function indexedText(text: string): IndexedText {
  const normalised = searchText(text);
  if (normalised === '') return { words: '', bigrams: '' };
  const words = jieba()
    .cutAll(normalised)
    .filter((word) => !isHanPair(word))
    .join(' ');
  return { words, bigrams: bigramsOf(scanUnits(normalised)).join(' ') };
}

/**
 * What a document must contain to match a word or a phrase: every word token (as a word, in any field), and every
 * literal as written (as a phrase of bigrams, in one field). Both are in `searchText` form.
 */
export interface TermPattern {
  words: string[];
  literals: string[];
}

/** A query's text (in searchText form) cut into dictionary words and single characters, as wordPattern cuts it. */
export function queryPieces(normalised: string): string[] {
  return normalised === '' ? [] : jieba().cut(normalised, false);
}

/** A word of a query (see above): its dictionary words, and its runs of single characters as literals. */
export function wordPattern(word: string): TermPattern {
  const pieces = queryPieces(searchText(word));
  const words: string[] = [];
  const literals: string[] = [];
  let run = '';
  const endRun = () => {
    if ([...run].length > 1) literals.push(run);
    else if (run !== '') words.push(run);
    run = '';
  };
  for (const piece of pieces) {
    if (isSingleHan(piece)) {
      run += piece;
      continue;
    }
    endRun();
    words.push(...tokenRuns([piece]));
  }
  endRun();
  return { words: unique(words), literals: unique(literals) };
}

/** A quoted phrase: it must appear as written, apart from spaces and punctuation. */
export function phrasePattern(phrase: string): TermPattern {
  const normalised = searchText(phrase);
  const units = characterUnits(normalised);
  if (units.length === 0) return { words: [], literals: [] };
  // One character or one Latin word is a word: the bigram index has no token for a character inside a sentence.
  if (units.length === 1) return { words: units, literals: [] };
  return { words: [], literals: [normalised] };
}

/** Whether a pattern asks for anything (a term of punctuation alone does not). */
export function isSearchable(pattern: TermPattern): boolean {
  return pattern.words.length > 0 || pattern.literals.length > 0;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
