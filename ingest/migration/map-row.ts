/**
 * One source row through the configuration (Drupal's process pipeline): the status filters first, then the derived
 * values, the id, the column, the original facts and every metadata field, and finally the assembled metadata
 * validated by the domain against the taxonomy. Nothing is written and nothing is looked up outside the row and the
 * configuration: mapping is a pure function of them, which is what makes a dry run show exactly what a run would do.
 */
import { validateResourceMetadata } from '../../domain/metadata/index.js';
import { DomainError, type FieldProblem } from '../../domain/shared/domain-error.js';
import type { CompiledMigration } from './config/load-migration.js';
import { evaluateExpression } from './expression.js';
import type { FieldOutcome } from './field-outcome.js';
import type { MigrationItem, OldIndexNumber, RowMessage, VersionSummary } from './migration-item.js';
import type { SourceRow } from './readers/source-reader.js';
import { derivedResourceId, rowHash } from './row-hash.js';
import { describeValue, isMissing, type SourceRecord, type Value } from './values.js';

export interface MapContext {
  runId: string;
  migratedAt: string;
}

export type MappedRow =
  | { kind: 'item'; item: MigrationItem }
  | {
      kind: 'skipped';
      sequence: number;
      location: string;
      originalId?: string;
      reason: string;
      detail?: string;
      rowHash: string;
    };

const HTTP_URL = /^https?:\/\/[^\s/]+/i;

function text(value: Value): string | undefined {
  if (isMissing(value)) return undefined;
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : describeValue(value);
}

function messagesOf(field: string, outcome: FieldOutcome): RowMessage[] {
  const messages = outcome.notes.map((message): RowMessage => ({ field, status: outcome.status, message }));
  if (outcome.status === 'missing' && outcome.notes.length === 0) {
    messages.push({ field, status: 'missing', message: 'no value in the source' });
  }
  return messages;
}

export function mapRow(migration: CompiledMigration, row: SourceRow, context: MapContext): MappedRow {
  const record: SourceRecord = row.record;
  const hash = rowHash(record);
  const derived: SourceRecord = {};
  for (const [name, expression] of migration.derive)
    derived[name] = evaluateExpression(expression, record, derived).value;
  const evaluate = (expression: Parameters<typeof evaluateExpression>[0]) =>
    evaluateExpression(expression, record, derived);

  const idOutcome = evaluate(migration.id);
  const originalId = text(idOutcome.value);
  for (const rule of migration.skip) {
    const tested = evaluate(rule.when).value;
    if (rule.test(tested)) {
      return {
        kind: 'skipped',
        sequence: row.sequence,
        location: row.location,
        ...(originalId === undefined ? {} : { originalId }),
        reason: rule.reason,
        detail: describeValue(tested),
        rowHash: hash,
      };
    }
  }
  if (originalId === undefined) {
    return {
      kind: 'skipped',
      sequence: row.sequence,
      location: row.location,
      reason: 'no original id',
      detail: idOutcome.flagReason ?? 'the id expression gave nothing; the row cannot be traced or matched on a re-run',
      rowHash: hash,
    };
  }

  const fields: Record<string, FieldOutcome> = {};
  const messages: RowMessage[] = row.messages.map((message) => ({ status: 'reader', message }));
  const keep = (field: string, outcome: FieldOutcome) => {
    fields[field] = outcome;
    messages.push(...messagesOf(field, outcome));
    return outcome;
  };

  const metadataInput: Record<string, Value> = {};
  for (const [field, expression] of migration.fields) {
    const outcome = keep(field, evaluate(expression));
    if (outcome.value !== undefined) metadataInput[field] = outcome.value;
  }

  let originalUrl: string | undefined;
  if (migration.url !== undefined) {
    const outcome = evaluate(migration.url);
    const url = text(outcome.value);
    if (url !== undefined && !HTTP_URL.test(url)) {
      // Kept out of the provenance: the metadata accepts only http(s) URLs, and the original id still traces the row.
      const reason = `"${url}" is not an http or https URL`;
      const { value: _unusable, ...rest } = outcome;
      keep('source.originalUrl', { ...rest, status: 'flagged', flagReason: reason, notes: [...outcome.notes, reason] });
    } else {
      keep('source.originalUrl', outcome);
      originalUrl = url;
    }
  }
  const provenance = {
    system: migration.system,
    originalId,
    ...(originalUrl === undefined ? {} : { originalUrl }),
    migratedAt: context.migratedAt,
    runId: context.runId,
  };
  const { runId: _runId, ...source } = provenance;
  metadataInput.source = source;

  const columnOutcome = keep('column', evaluate(migration.column));
  const columnId = text(columnOutcome.value);

  const original: MigrationItem['original'] = {};
  if (typeof metadataInput.writtenAt === 'string') original.writtenAt = metadataInput.writtenAt;
  if (migration.original.publishedAt !== undefined) {
    const outcome = keep('original.publishedAt', evaluate(migration.original.publishedAt));
    const value = text(outcome.value);
    if (value !== undefined) original.publishedAt = value;
  }
  if (migration.original.indexNumber !== undefined) {
    const outcome = keep('original.indexNumber', evaluate(migration.original.indexNumber));
    const indexNumber = oldIndexNumber(outcome);
    if (indexNumber !== undefined) original.indexNumber = indexNumber;
  }

  const originalProblems: FieldProblem[] = [];
  if (migration.original.versions !== undefined) {
    const outcome = keep('original.versions', evaluate(migration.original.versions));
    if (!isMissing(outcome.value)) {
      const versions = versionList(outcome.value);
      if (typeof versions === 'string') originalProblems.push({ path: 'original.versions', message: versions });
      else if (versions.length > 0) original.versions = versions;
    }
  }

  let watermark: string | undefined;
  if (migration.watermark !== undefined) watermark = text(keep('watermark', evaluate(migration.watermark)).value);

  const attachments: MigrationItem['attachments'] = [];
  if (migration.attachments !== undefined) {
    const outcome = evaluate(migration.attachments);
    const list = Array.isArray(outcome.value) ? outcome.value : isMissing(outcome.value) ? [] : [outcome.value];
    for (const entry of list) {
      const reference = text(entry);
      if (reference !== undefined) attachments.push({ reference });
    }
    if (attachments.length > 0) {
      messages.push({
        field: 'attachments',
        status: 'flagged',
        message: `${attachments.length} attachment(s) referenced (${attachments.map((a) => a.reference).join(', ')}); the files are not in the export, so they cannot be stored with digests yet`,
      });
    }
  }

  const problems: FieldProblem[] = [...originalProblems];
  let metadata: MigrationItem['metadata'];
  try {
    metadata = validateResourceMetadata(metadataInput, migration.taxonomy);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    problems.push(...error.details.map((problem) => explain(problem, fields)));
  }
  if (columnId === undefined) {
    problems.push({
      path: 'column',
      message: columnOutcome.flagReason ?? 'no target column: the old column is missing or not in the mapping',
    });
  }
  for (const problem of problems) messages.push({ field: problem.path, status: 'invalid', message: problem.message });

  const proposals: MigrationItem['proposals'] = Object.entries(fields)
    .filter(([, outcome]) => outcome.status === 'proposed' && outcome.proposal !== undefined)
    .map(([field, outcome]) => ({ field, value: String(outcome.value), ...outcome.proposal! }));

  const item: MigrationItem = {
    migration: migration.name,
    sequence: row.sequence,
    location: row.location,
    key: { system: migration.system, originalId },
    rowHash: hash,
    resourceId: derivedResourceId(migration.resourceIdPrefix, originalId),
    siteId: migration.siteId,
    ...(columnId === undefined ? {} : { columnId }),
    ...(metadata === undefined ? {} : { metadata }),
    ready: problems.length === 0,
    problems,
    original,
    provenance,
    proposals,
    fields,
    attachments,
    ...(watermark === undefined ? {} : { watermark }),
    messages,
  };
  return { kind: 'item', item };
}

const OFFSET_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Earlier versions as a list of {version, publishedAt, title}, oldest first; or what is wrong with the value. */
function versionList(value: Value): VersionSummary[] | string {
  const wanted =
    'must be a list of {version, publishedAt, title}, oldest first, with ISO date-times and increasing versions';
  if (!Array.isArray(value)) return wanted;
  const versions: VersionSummary[] = [];
  for (const entry of value) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return wanted;
    const { version, publishedAt, title } = entry as Record<string, Value>;
    if (
      typeof version !== 'number' ||
      !Number.isInteger(version) ||
      version <= (versions.at(-1)?.version ?? 0) ||
      typeof publishedAt !== 'string' ||
      !OFFSET_DATE_TIME.test(publishedAt) ||
      typeof title !== 'string' ||
      title.trim() === ''
    )
      return wanted;
    versions.push({ version, publishedAt, title: title.trim() });
  }
  return versions;
}

function oldIndexNumber(outcome: FieldOutcome): OldIndexNumber | undefined {
  if (outcome.status === 'flagged') {
    const value = text(outcome.original);
    return value === undefined
      ? undefined
      : { value, wellFormed: false, reason: outcome.flagReason ?? 'not an index number' };
  }
  const value = text(outcome.value);
  if (value === undefined) return undefined;
  const note = outcome.notes.find((n) => n.includes('check character'));
  return { value, wellFormed: true, ...(note === undefined ? {} : { note }) };
}

/**
 * The metadata validator speaks of values ("expected string, received undefined"); a person fixing a migration needs
 * to hear why the value is not there: the source had none, or had one that was flagged.
 */
function explain(problem: FieldProblem, fields: Record<string, FieldOutcome>): FieldProblem {
  const field = problem.path.replace(/^metadata\./, '');
  const outcome = fields[field];
  if (!/received undefined/.test(problem.message)) return problem;
  if (outcome === undefined)
    return { ...problem, message: 'required by the uniform metadata; the configuration maps nothing to it' };
  if (outcome.status === 'flagged')
    return { ...problem, message: `required; the source's value was flagged: ${outcome.flagReason}` };
  return { ...problem, message: 'required by the uniform metadata; the source gives none' };
}
