/**
 * The sample corpus (national administrative regulations, one JSON object a line: {source, path, markdown}) as a
 * legacy export to migrate: title, dates and document number are recovered from the history lines, normalised as
 * the metadata model requires, and whatever cannot be filled is reported, never invented.
 */
import { createHash } from 'node:crypto';
import { type Genre, normaliseDate, normaliseDocNumber, type ResourceMetadataInput } from '../domain/metadata/index.js';

export interface RegulationItem {
  source: string;
  path: string;
  markdown: string;
}

export interface RegulationMapping {
  /** Who published the regulations (the State Council) and its organisation code. */
  publisher: string;
  publisherCode: string;
  /** When the migration runs (ISO date-time with offset): recorded in `source.migratedAt`. */
  migratedAt: string;
}

/**
 * The State Council as the corpus's publisher. The code is a stand-in that passes the GB 32100 check (the corpus
 * gives none); a real migration sets the publisher's own code in its mapping.
 */
export const STATE_COUNCIL = { publisher: '中华人民共和国国务院', publisherCode: '11100000000013239A' } as const;

export interface MappedRegulation {
  resourceId: string;
  metadata: ResourceMetadataInput;
  /** Fields the item did not give, or gave in a form that could not be repaired with confidence. */
  unfilled: Array<{ field: string; reason: string }>;
}

/** The genres a regulation's title can end with; anything else (规则, 章程…) is 其他. */
const TITLE_GENRES: Genre[] = ['条例', '规定', '办法', '细则', '决定'];
const HISTORY_LINE = /^(\d{4}年\d{1,2}月\d{1,2}日)\s*(.*)$/;
const FILE_DATE = /\((\d{4}-\d{2}-\d{2})\)\.md$/;

/** A stable id from the item's path, so loading the corpus twice finds the resources it already made. */
export function regulationResourceId(path: string): string {
  return `reg-${createHash('sha256').update(path).digest('hex').slice(0, 16)}`;
}

function firstArticle(body: string): string | undefined {
  const line = body.split('\n').find((l) => l.startsWith('第一条'));
  if (!line) return undefined;
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

export function mapRegulation(item: RegulationItem, mapping: RegulationMapping): MappedRegulation {
  const unfilled: MappedRegulation['unfilled'] = [];
  const [head = '', ...rest] = item.markdown.split('<!-- INFO END -->');
  const lines = head.split('\n').map((l) => l.trim());
  const title = (lines.find((l) => l.startsWith('# ')) ?? '').slice(2).trim();
  const body = rest.join('<!-- INFO END -->').trim();

  const history = lines
    .map((l) => HISTORY_LINE.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => {
      const date = normaliseDate(m[1]!);
      return { date: 'flagged' in date && date.flagged ? null : (date as { date: string }).date, what: m[2]!.trim() };
    });

  // The version date is in the file name; without it, the latest dated history line is the best evidence.
  const fileDate = FILE_DATE.exec(item.path)?.[1];
  const writtenAt = fileDate ?? history.filter((h) => h.date).at(-1)?.date ?? undefined;
  if (!fileDate)
    unfilled.push({
      field: 'writtenAt',
      reason: writtenAt
        ? 'taken from the latest history line (no date in the file name)'
        : 'no date anywhere in the item',
    });

  const effective = history.find((h) => h.date && /^施行|起施行/.test(h.what));
  let docNumber: string | undefined;
  const decree = [...history].reverse().find((h) => /令第\s*\d+\s*号/.test(h.what));
  if (decree) {
    const raw = /([\p{Script=Han}、]*令第\s*\d+\s*号)/u.exec(decree.what)?.[1] ?? decree.what;
    const normalised = normaliseDocNumber(raw);
    if ('value' in normalised && normalised.value) docNumber = normalised.value;
    else unfilled.push({ field: 'docNumber', reason: `"${raw}" could not be repaired with confidence` });
  } else {
    unfilled.push({ field: 'docNumber', reason: 'no decree number in the history lines' });
  }

  const genre = TITLE_GENRES.find((g) => title.endsWith(g)) ?? '其他';
  const summary = firstArticle(body);
  const metadata = {
    title,
    ...(summary ? { summary } : {}),
    body,
    publisher: mapping.publisher,
    publisherCode: mapping.publisherCode,
    ...(docNumber ? { docNumber } : {}),
    ...(writtenAt ? { writtenAt } : {}),
    ...(effective?.date ? { effectiveAt: effective.date } : {}),
    // The corpus does not classify its items; the catch-all keeps them valid until someone does.
    subject: '其他',
    genre,
    disclosure: '主动公开',
    validity: '有效',
    resourceType: 'policy',
    format: 'text/markdown',
    language: 'zh-CN',
    sharing: '无条件共享',
    source: { system: item.source, originalId: item.path, migratedAt: mapping.migratedAt },
  } as ResourceMetadataInput;
  return { resourceId: regulationResourceId(item.path), metadata, unfilled };
}

export function parseRegulations(jsonl: string): RegulationItem[] {
  return jsonl
    .split('\n')
    .filter((line) => line.trim())
    .map((line, i) => {
      const item = JSON.parse(line) as RegulationItem;
      if (typeof item.markdown !== 'string' || typeof item.path !== 'string')
        throw new Error(`line ${i + 1} is not a corpus item`);
      return item;
    });
}
