/**
 * Loads a migration's configuration and makes it runnable, or refuses it with every problem and its line before any
 * row is mapped: YAML syntax, unknown keys and fields, unknown steps and their options, regular expressions and CSS
 * selectors that do not compile, lookup tables that are referenced but not declared or whose files are missing,
 * derived values used before they are declared, an export that is not there, and (for sources that declare their
 * fields, such as a CSV header) a `from` naming a field the source does not have.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { SubjectTaxonomy } from '../../../domain/metadata/index.js';
import { DEFAULT_SUBJECT_KEYWORDS, KeywordClassifier } from '../classify/keyword-classifier.js';
import type { SubjectClassifier } from '../classify/subject-classifier.js';
import { type CompileContext, type CompiledExpression, type ConfigPath, compileExpression } from '../expression.js';
import { LookupTable, loadTableFile } from '../lookup-table.js';
import { compilePattern } from '../pattern.js';
import { createReader, readerPath } from '../readers/reader-config.js';
import { type Preflight, type SourceReader, SourceUnreadable } from '../readers/source-reader.js';
import type { Value } from '../values.js';
import { type ConfigProblem, MigrationConfigError } from './config-error.js';
import { type MigrationConfig, migrationConfigSchema } from './config-schema.js';
import { formatPath, locate } from './yaml-location.js';

export interface CompiledSkipRule {
  when: CompiledExpression;
  test: (value: Value) => boolean;
  reason: string;
}

/** A configuration checked and compiled: what a plan runs. */
export interface CompiledMigration {
  file: string;
  /**
   * SHA-256 of the configuration and every file it reads besides the export (tables, keyword lists): an approval of
   * a dry run can be bound to exactly the mapping it saw.
   */
  digest: string;
  config: MigrationConfig;
  name: string;
  system: string;
  siteId: string;
  resourceIdPrefix: string;
  taxonomy: SubjectTaxonomy;
  classifier: SubjectClassifier;
  /** A fresh reader of the export, one per pass over it. */
  openReader(): SourceReader;
  preflight: Preflight;
  id: CompiledExpression;
  url?: CompiledExpression;
  watermark?: CompiledExpression;
  attachments?: CompiledExpression;
  skip: CompiledSkipRule[];
  derive: [name: string, expression: CompiledExpression][];
  column: CompiledExpression;
  original: { publishedAt?: CompiledExpression; indexNumber?: CompiledExpression; versions?: CompiledExpression };
  fields: [field: string, expression: CompiledExpression][];
}

export interface LoadOptions {
  /** The taxonomy in force (base plus administrators' extensions); the published base by default. */
  taxonomy?: SubjectTaxonomy;
  /**
   * The export to read instead of the one the configuration names (its `path` or `directory`): one configuration
   * serves every export of the same old system. Checked like the configuration's own; the run's source digest
   * covers its content.
   */
  source?: string;
  /** The site to migrate into instead of the configuration's `destination.site` (an export of one site into another). */
  site?: string;
}

interface RawProblem {
  path: ConfigPath;
  key?: string;
  message: string;
}

export async function loadMigration(file: string, options: LoadOptions = {}): Promise<CompiledMigration> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new MigrationConfigError(file, [{ line: 0, column: 0, path: '', message: 'no such configuration file' }]);
  }
  const digest = createHash('sha256').update(text);
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const place = (problems: RawProblem[]): ConfigProblem[] =>
    problems.map((problem) => ({
      ...locate(document, lines, problem.path, problem.key),
      path: formatPath(problem.key === undefined ? problem.path : [...problem.path, problem.key]),
      message: problem.message,
    }));

  if (document.errors.length > 0) {
    throw new MigrationConfigError(
      file,
      document.errors.map((error) => {
        const position = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
        return { line: position.line, column: position.col, path: '', message: error.message.split('\n')[0]! };
      }),
    );
  }

  const parsed = migrationConfigSchema.safeParse(document.toJS());
  if (!parsed.success) {
    const problems: RawProblem[] = [];
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          problems.push({
            path: issue.path as ConfigPath,
            key,
            message: `unknown key "${key}"${unknownKeyHint(issue.path)}`,
          });
        }
      } else {
        problems.push({ path: issue.path as ConfigPath, message: issue.message });
      }
    }
    throw new MigrationConfigError(file, place(problems));
  }

  const config = parsed.data;
  if (options.site !== undefined) config.destination.site = options.site;
  if (options.source !== undefined) {
    const reader = config.source.reader;
    const source = resolve(options.source);
    config.source.reader = reader.type === 'html' ? { ...reader, directory: source } : { ...reader, path: source };
  }
  const directory = dirname(path);
  const problems: RawProblem[] = [];
  const taxonomy = options.taxonomy ?? SubjectTaxonomy.base();

  const tables = new Map<string, LookupTable>();
  for (const [name, source] of Object.entries(config.tables)) {
    if ('entries' in source) {
      tables.set(name, new LookupTable(name, source.entries));
      continue;
    }
    const tablePath = resolve(directory, source.file);
    if (!existsSync(tablePath)) {
      problems.push({
        path: ['tables', name, 'file'],
        message: `no table file ${source.file} beside the configuration`,
      });
      continue;
    }
    try {
      digest.update(`\0table ${name}\0`).update(readFileSync(tablePath));
      tables.set(name, loadTableFile(name, tablePath, source.key, source.encoding));
    } catch (error) {
      problems.push({ path: ['tables', name, 'file'], message: `${source.file}: ${(error as Error).message}` });
    }
  }

  let classifier: SubjectClassifier;
  const keywordsFile =
    config.classifier.keywords === undefined
      ? DEFAULT_SUBJECT_KEYWORDS
      : resolve(directory, config.classifier.keywords);
  try {
    digest.update('\0keywords\0').update(readFileSync(keywordsFile));
    classifier = KeywordClassifier.fromFile(keywordsFile, taxonomy);
  } catch (error) {
    problems.push({ path: ['classifier', 'keywords'], message: (error as Error).message });
    classifier = { name: 'none', propose: () => [] };
  }

  const derived = new Set<string>();
  const context: CompileContext = {
    environment: { tables, declaredTables: new Set(Object.keys(config.tables)), taxonomy, classifier },
    derived,
    problems: [],
    references: [],
  };
  const compile = (spec: Parameters<typeof compileExpression>[0], at: ConfigPath) =>
    compileExpression(spec, at, context);

  const derive: CompiledMigration['derive'] = [];
  for (const [name, spec] of Object.entries(config.derive)) {
    derive.push([name, compile(spec, ['derive', name])]);
    derived.add(name);
  }
  const skip = config.source.skip.map((rule, i): CompiledSkipRule => {
    const when = compile(rule.when, ['source', 'skip', i, 'when']);
    const values = rule.in?.map(String);
    const pattern = rule.matches === undefined ? undefined : compilePattern(rule.matches);
    const test = (value: Value) => {
      const text =
        value === undefined || value === null ? '' : typeof value === 'string' ? value.trim() : String(value);
      return values !== undefined ? values.includes(text) : pattern!.test(text);
    };
    return { when, test, reason: rule.reason };
  });
  const optional = (spec: Parameters<typeof compileExpression>[0] | undefined, at: ConfigPath) =>
    spec === undefined ? undefined : compile(spec, at);
  const id = compile(config.source.id, ['source', 'id']);
  const url = optional(config.source.url, ['source', 'url']);
  const watermark = optional(config.source.watermark, ['source', 'watermark']);
  const attachments = optional(config.source.attachments, ['source', 'attachments']);
  const column = compile(config.destination.column, ['destination', 'column']);
  const publishedAt = optional(config.original.publishedAt, ['original', 'publishedAt']);
  const indexNumber = optional(config.original.indexNumber, ['original', 'indexNumber']);
  const versions = optional(config.original.versions, ['original', 'versions']);
  const fields: CompiledMigration['fields'] = Object.entries(config.fields)
    .filter(([, spec]) => spec !== undefined)
    .map(([field, spec]) => [field, compile(spec!, ['fields', field])]);
  problems.push(...context.problems);

  const readerLocation = readerPath(config.source.reader, directory);
  const readerKey = config.source.reader.type === 'html' ? 'directory' : 'path';
  let preflight: Preflight = { notices: [] };
  if (!existsSync(readerLocation)) {
    problems.push({
      path: ['source', 'reader', readerKey],
      message: `no ${readerKey === 'path' ? 'file' : 'folder'} ${readerLocation} (paths are relative to the configuration)`,
    });
  } else {
    try {
      preflight = await createReader(config.source.reader, directory).preflight();
    } catch (error) {
      if (!(error instanceof SourceUnreadable)) throw error;
      problems.push({ path: ['source', 'reader'], message: error.message });
    }
  }
  if (preflight.fields !== undefined) {
    const known = new Set(preflight.fields);
    for (const reference of context.references) {
      const head = reference.from.split('.')[0]!;
      if (!known.has(reference.from) && !known.has(head)) {
        problems.push({
          path: reference.path,
          message: `the source has no field "${reference.from}" (it has: ${preflight.fields.join(', ')})`,
        });
      }
    }
  }
  if (problems.length > 0) throw new MigrationConfigError(file, place(problems));

  return {
    file: path,
    digest: digest.digest('hex'),
    config,
    name: config.migration,
    system: config.source.system,
    siteId: config.destination.site,
    resourceIdPrefix: config.destination.resourceIdPrefix ?? `${config.migration}-`,
    taxonomy,
    classifier,
    openReader: () => createReader(config.source.reader, directory),
    preflight,
    id,
    ...(url === undefined ? {} : { url }),
    ...(watermark === undefined ? {} : { watermark }),
    ...(attachments === undefined ? {} : { attachments }),
    skip,
    derive,
    column,
    original: {
      ...(publishedAt === undefined ? {} : { publishedAt }),
      ...(indexNumber === undefined ? {} : { indexNumber }),
      ...(versions === undefined ? {} : { versions }),
    },
    fields,
  };
}

function unknownKeyHint(path: readonly PropertyKey[]): string {
  if (path.length === 1 && path[0] === 'fields') return ' (not a field of the uniform metadata that a migration maps)';
  return '';
}
