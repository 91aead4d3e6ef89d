/**
 * The configuration file of a migration (Drupal's migration YAML): which reader reads the export and how rows are
 * identified and filtered (`source`), values derived once per row for several fields (`derive`), where items go
 * (`destination`: the site, the column through the old column), the old publication's own facts (`original`),
 * the uniform metadata field by field (`fields`), and the lookup tables. Every part is a strict zod object: a
 * misspelt key is an error with its line, never an ignored setting.
 */
import { z } from 'zod';
import { resourceMetadataInputSchema } from '../../../domain/metadata/index.js';
import { expressionSchema, parseExpression } from '../expression.js';
import { tableSourceSchema } from '../lookup-table.js';
import { patternSchema } from '../pattern.js';
import { readerSchema } from '../readers/reader-config.js';

/**
 * Metadata fields a migration fills. `source` is the migration's own provenance, and `attachments` need the files'
 * digests, which an export of names and links does not give (see `source.attachments`).
 */
export const MAPPED_METADATA_FIELDS = Object.keys(resourceMetadataInputSchema.shape).filter(
  (field) => field !== 'source' && field !== 'attachments',
);

const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and hyphens');

const skipRuleSchema = z
  .strictObject({
    /** The value tested: an expression like any field's. */
    when: expressionSchema,
    in: z
      .array(z.union([z.string(), z.number(), z.boolean()]))
      .min(1)
      .optional(),
    matches: patternSchema.optional(),
    /** Said in the report for every row this rule skips: draft, withdrawn, deleted… */
    reason: z.string().min(1),
  })
  .refine((rule) => (rule.in === undefined) !== (rule.matches === undefined), {
    message: 'a skip rule has one test: `in` (a list of values) or `matches` (a regular expression)',
  });
export type SkipRule = z.infer<typeof skipRuleSchema>;

/** Fields every resource has: a configuration that maps none to one of them could not produce a valid item. */
const REQUIRED_FIELDS = new Set([
  'title',
  'publisher',
  'publisherCode',
  'subject',
  'genre',
  'disclosure',
  'resourceType',
  'format',
]);

const requiredExpression = (field: string) =>
  z.unknown().transform((raw, ctx) => {
    if (raw !== undefined) return parseExpression(raw, ctx) ?? z.NEVER;
    ctx.addIssue({
      code: 'custom',
      message: `fields.${field} is required by the uniform metadata; map it or give it a value`,
    });
    return z.NEVER;
  });

const fieldsShape = Object.fromEntries(
  MAPPED_METADATA_FIELDS.map((field) => [
    field,
    REQUIRED_FIELDS.has(field) ? requiredExpression(field) : expressionSchema.optional(),
  ]),
);

export const migrationConfigSchema = z.strictObject({
  /** The migration's name, used in run ids and default resource ids. */
  migration: name,
  description: z.string().optional(),
  source: z.strictObject({
    /** The old system as the provenance names it (`source.system`), and half of the id map's key. */
    system: z.string().trim().min(1).max(200),
    reader: readerSchema,
    /** The row's id in the old system: the other half of the id map's key. */
    id: expressionSchema,
    url: expressionSchema.optional(),
    /** For incremental runs: a value that grows with each new or changed row (a modification or publication time). */
    watermark: expressionSchema.optional(),
    /** Status filters: drafts, withdrawn and deleted rows never become publications. */
    skip: z.array(skipRuleSchema).default([]),
    /** Attachments as the export names or links them (a list). */
    attachments: expressionSchema.optional(),
  }),
  /** Values computed once per row, in order, for several fields to use as `from: '@name'`. */
  derive: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a derived name is a word'), expressionSchema)
    .default({}),
  destination: z.strictObject({
    site: z.string().trim().min(1),
    column: expressionSchema,
    /** Resource ids are this prefix and 16 hex digits of the original id's SHA-256; `<migration>-` by default. */
    resourceIdPrefix: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'lower-case letters, digits and hyphens')
      .optional(),
  }),
  original: z
    .strictObject({
      /** When the old site published the item: a date-time step is expected. */
      publishedAt: expressionSchema.optional(),
      /** The old site's index number (索引号): kept when well-formed, recorded as malformed otherwise. */
      indexNumber: expressionSchema.optional(),
      /**
       * Versions the old system published before the current one, as a list of {version, publishedAt, title} (an
       * export of this platform has them): the library lists them in the resource's history.
       */
      versions: expressionSchema.optional(),
    })
    .default({}),
  fields: z.strictObject(fieldsShape),
  tables: z.record(z.string().min(1), tableSourceSchema).default({}),
  classifier: z
    .strictObject({
      /** Keyword lists per subject (YAML), relative to the configuration; the built-in lists by default. */
      keywords: z.string().min(1).optional(),
    })
    .default({}),
});

export type MigrationConfig = z.infer<typeof migrationConfigSchema>;
