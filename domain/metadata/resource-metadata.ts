/**
 * The uniform metadata every library resource carries (R-LIB-2, docs metadata.md). Values are normalised on the way in
 * (document numbers to 〔〕 form, the language tag to its canonical case, codes and hashes to one case), so that two
 * spellings of one value never reach the store.
 */
import { z } from 'zod';
import { DomainError, type FieldProblem } from '../shared/domain-error.js';
import { parseIndexNumber } from './index-number.js';
import { isIsoDate } from './normalise-date.js';
import { normaliseDocNumber } from './normalise-doc-number.js';
import { checkOrganisationCode } from './organisation-code.js';
import { SUBJECT_SEPARATOR, SubjectTaxonomy } from './subject-taxonomy.js';
import {
  AUDIENCES,
  BODY_REQUIRED_TYPES,
  DEFAULT_LANGUAGE,
  DEFAULT_SHARING,
  DISCLOSURES,
  GENRES,
  type Genre,
  NORMATIVE_GENRES,
  OFFICIAL_DOCUMENT_GENRES,
  RELATION_KINDS,
  RESOURCE_TYPES,
  type ResourceType,
  SHARINGS,
  VALIDITIES,
} from './vocabulary.js';

export const MAX_SUMMARY_CHARACTERS = 500;
export const MAX_KEYWORDS = 5;
// The body travels inside one event, which may take 8 MiB of UTF-8; a Chinese character takes three bytes.
export const MAX_BODY_CHARACTERS = 1_000_000;
export const MAX_ATTACHMENTS = 100;

/** Fields the library sets itself; the input for drafting and editing refuses them. */
export const ASSIGNED_FIELDS = ['indexNumber', 'publishedAt'] as const;

// Characters as people count them: a rare character outside the BMP is one character, not two UTF-16 units.
const characters = (text: string) => [...text].length;

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty; leave the field out instead')
    // A text no longer in UTF-16 units than the limit has no more characters than it either: only longer ones
    // are counted (counting spreads the string, which for a long body costs more than the rest of the check).
    .refine((s) => s.length <= max || characters(s) <= max, `must have at most ${max} characters`);

// RFC 6838 names, without parameters: a charset means nothing once the text is a string in the store.
const mediaType = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/,
    'must be a MIME type such as text/html, without parameters',
  );

const isoDate = z.string().trim().refine(isIsoDate, 'must be a date written YYYY-MM-DD that exists in the calendar');

const docNumber = z.string().transform((value, ctx) => {
  const result = normaliseDocNumber(value);
  if (!result.flagged) return result.value;
  ctx.addIssue({ code: 'custom', message: result.reason });
  return z.NEVER;
});

const organisationCode = z
  .string()
  .trim()
  .toUpperCase()
  .superRefine((code, ctx) => {
    const check = checkOrganisationCode(code);
    if (!check.valid) ctx.addIssue({ code: 'custom', message: check.reason });
  });

// The shape only; whether the path exists depends on the taxonomy in force, which validateResourceMetadata is given.
const subject = z.string().transform((value, ctx) => {
  const segments = value.split(SUBJECT_SEPARATOR).map((segment) => segment.trim());
  if (segments.length > 2 || segments.some((segment) => segment === '')) {
    ctx.addIssue({ code: 'custom', message: `must be a subject path 一级${SUBJECT_SEPARATOR}二级` });
    return z.NEVER;
  }
  return segments.join(SUBJECT_SEPARATOR);
});

const language = z.string().transform((value, ctx) => {
  try {
    const [canonical] = Intl.getCanonicalLocales(value.trim());
    if (canonical !== undefined) return canonical;
  } catch {
    // Falls through to the issue below: getCanonicalLocales throws on anything that is not a language tag.
  }
  ctx.addIssue({ code: 'custom', message: 'must be a BCP 47 language tag such as zh-CN' });
  return z.NEVER;
});

const attachment = z.strictObject({
  name: text(255),
  mediaType,
  size: z.int('must be a whole number of bytes').min(1, 'an empty file is not an attachment'),
  sha256: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 digest of 64 hexadecimal digits'),
});

const relation = z
  .strictObject({
    kind: z.enum(RELATION_KINDS),
    indexNumber: z
      .string()
      .trim()
      .superRefine((value, ctx) => {
        const parsed = parseIndexNumber(value);
        if (parsed.flagged) ctx.addIssue({ code: 'custom', message: parsed.reason });
      })
      .optional(),
    resourceId: z.string().trim().min(1).max(200).optional(),
  })
  .superRefine((value, ctx) => {
    if ((value.indexNumber === undefined) === (value.resourceId === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'a relation names its target by exactly one of indexNumber or resourceId',
      });
    }
  });

const source = z
  .strictObject({
    system: text(200),
    originalId: text(500).optional(),
    originalUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
      .max(2000)
      .optional(),
    migratedAt: z.iso.datetime({ offset: true, error: 'must be an ISO date-time with its offset' }),
  })
  .superRefine((value, ctx) => {
    if (value.originalId === undefined && value.originalUrl === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a source needs originalId or originalUrl, or both, to be traced back' });
    }
  });

const inputShape = {
  title: text(300),
  subtitle: text(300).optional(),
  summary: text(MAX_SUMMARY_CHARACTERS).optional(),
  body: text(MAX_BODY_CHARACTERS).optional(),
  publisher: text(100),
  publisherCode: organisationCode,
  docNumber: docNumber.optional(),
  writtenAt: isoDate.optional(),
  effectiveAt: isoDate.optional(),
  expiresAt: isoDate.optional(),
  subject,
  genre: z.enum(GENRES),
  audience: z.enum(AUDIENCES).optional(),
  keywords: z
    .array(text(50))
    .max(MAX_KEYWORDS, `at most ${MAX_KEYWORDS} keywords`)
    .refine((keywords) => new Set(keywords).size === keywords.length, 'a keyword is repeated')
    .optional(),
  disclosure: z.enum(DISCLOSURES),
  /** Why a resource is not disclosed (不予公开 must say which exemption applies); allowed with any disclosure. */
  disclosureReason: text(500).optional(),
  validity: z.enum(VALIDITIES).optional(),
  resourceType: z.enum(RESOURCE_TYPES),
  format: mediaType,
  language: language.default(DEFAULT_LANGUAGE),
  attachments: z.array(attachment).max(MAX_ATTACHMENTS, `at most ${MAX_ATTACHMENTS} attachments`).optional(),
  relations: z.array(relation).max(200).optional(),
  source: source.optional(),
  sharing: z.enum(SHARINGS).default(DEFAULT_SHARING),
  /** R-LIB-3: what the province must observe to use a resource shared on condition (有条件共享); it leaves with it. */
  sharingCondition: text(500).optional(),
};

interface ConditionalProblem {
  field: string;
  message: string;
}

/**
 * The requirements that depend on other fields. Written against the raw input, so that they are reported together
 * with the problems of single fields even when those fail (zod skips object refinements once a field has failed).
 */
function conditionalProblems(value: Record<string, unknown>): ConditionalProblem[] {
  const problems: ConditionalProblem[] = [];
  const absent = (field: string) => value[field] === undefined;
  const genre = GENRES.includes(value.genre as Genre) ? (value.genre as Genre) : undefined;
  const resourceType = RESOURCE_TYPES.includes(value.resourceType as ResourceType)
    ? (value.resourceType as ResourceType)
    : undefined;

  if (resourceType !== undefined && BODY_REQUIRED_TYPES.has(resourceType) && absent('body')) {
    problems.push({ field: 'body', message: `required: the content of a ${resourceType} is its text` });
  }
  if (genre !== undefined && OFFICIAL_DOCUMENT_GENRES.has(genre) && absent('writtenAt')) {
    problems.push({ field: 'writtenAt', message: `required for official documents (${genre}): 成文日期` });
  }
  const normative = resourceType === 'policy' || (genre !== undefined && NORMATIVE_GENRES.has(genre));
  if (normative && absent('validity')) {
    problems.push({
      field: 'validity',
      message: `required for normative documents (${resourceType === 'policy' ? 'policy' : genre}): 有效性`,
    });
  }
  if (value.disclosure === '不予公开' && absent('disclosureReason')) {
    problems.push({
      field: 'disclosureReason',
      message: 'required when a resource is 不予公开: say which exemption applies',
    });
  }
  if (value.sharing === '有条件共享' && absent('sharingCondition')) {
    problems.push({
      field: 'sharingCondition',
      message: 'required when a resource is 有条件共享: say on what condition',
    });
  }
  if (!absent('sharingCondition') && value.sharing !== '有条件共享') {
    problems.push({ field: 'sharingCondition', message: 'only a resource shared on condition (有条件共享) has one' });
  }
  const { effectiveAt, expiresAt } = value;
  if (
    typeof effectiveAt === 'string' &&
    typeof expiresAt === 'string' &&
    isIsoDate(effectiveAt.trim()) &&
    isIsoDate(expiresAt.trim()) &&
    expiresAt.trim() < effectiveAt.trim()
  ) {
    problems.push({ field: 'expiresAt', message: 'must not be before effectiveAt' });
  }
  return problems;
}

const addConditionalIssues = (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
  for (const problem of conditionalProblems(value)) {
    ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
  }
};

/**
 * The metadata an editor or the ingest supplies when drafting, editing or correcting a resource. It refuses unknown
 * fields, and with them `indexNumber` and `publishedAt`, which only the library assigns. It checks the subject's shape;
 * whether the subject exists is checked by validateResourceMetadata against the taxonomy in force.
 */
export const resourceMetadataInputSchema = z.strictObject(inputShape).superRefine(addConditionalIssues);

export type ResourceMetadataInput = z.output<typeof resourceMetadataInputSchema>;

/** The metadata of a published resource as the library stores it: the input plus what publication assigned. */
export const resourceMetadataSchema = z
  .strictObject({
    ...inputShape,
    indexNumber: z
      .string()
      .refine(
        (value) => !parseIndexNumber(value).flagged,
        'must be an index number <organisation code>/<YYYY>-<NNNNN>',
      ),
    publishedAt: z.iso.datetime({ offset: true }),
  })
  .superRefine(addConditionalIssues);

export type ResourceMetadata = z.output<typeof resourceMetadataSchema>;

/**
 * Validates and normalises metadata for drafting, editing or correcting (R-LIB-2). Every problem is reported at once,
 * one per field, with paths like `metadata.title`. Pass the taxonomy folded from the administrators' extension
 * events; the default, the published base taxonomy, refuses subjects administrators added.
 */
export function validateResourceMetadata(
  input: unknown,
  taxonomy: SubjectTaxonomy = SubjectTaxonomy.base(),
): ResourceMetadataInput {
  const result = resourceMetadataInputSchema.safeParse(input);
  const problems = new Map<string, string[]>();
  const report = (path: string, message: string) => problems.set(path, [...(problems.get(path) ?? []), message]);

  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) report(pathOf([...issue.path, key]), unknownFieldMessage(issue.path, key));
      } else {
        report(pathOf(issue.path), issue.message);
      }
    }
    if (isRecord(input)) {
      for (const problem of conditionalProblems(input)) {
        const path = pathOf([problem.field]);
        if (!problems.has(path)) report(path, problem.message);
      }
    }
  }
  const subjectPath = result.success ? result.data.subject : rawSubject(input);
  if (subjectPath !== undefined && !problems.has('metadata.subject') && !taxonomy.has(subjectPath)) {
    report(
      'metadata.subject',
      `"${subjectPath}" is not in the subject taxonomy; give 一级${SUBJECT_SEPARATOR}二级 (a top level alone only for 其他)`,
    );
  }

  if (problems.size > 0 || !result.success) {
    const details: FieldProblem[] = [...problems].map(([path, messages]) => ({ path, message: messages.join('; ') }));
    throw new DomainError(
      'BAD_USER_INPUT',
      'INVALID_METADATA',
      `元数据不符合统一元数据规范（${details.length} 处问题）`,
      `the metadata does not meet the uniform metadata specification (${details.length} problems)`,
      details,
      'R-LIB-2',
    );
  }
  return result.data;
}

export type OptionalMetadataField =
  | 'subtitle'
  | 'summary'
  | 'body'
  | 'docNumber'
  | 'writtenAt'
  | 'effectiveAt'
  | 'expiresAt'
  | 'audience'
  | 'keywords'
  | 'validity'
  | 'attachments'
  | 'relations';

const OPTIONAL_FIELDS: readonly OptionalMetadataField[] = [
  'subtitle',
  'summary',
  'body',
  'docNumber',
  'writtenAt',
  'effectiveAt',
  'expiresAt',
  'audience',
  'keywords',
  'validity',
  'attachments',
  'relations',
];

/**
 * The optional fields a resource lacks, which the API reports because the Anhui metadata specification may require
 * some of them (metadata.md). A field required for this resource is never listed: validation already insists on it.
 * `source` and `disclosureReason` are not listed either: their absence is a fact (born here; disclosed), not a gap.
 */
export function missingOptionalFields(metadata: ResourceMetadataInput): OptionalMetadataField[] {
  const record = metadata as unknown as Record<string, unknown>;
  return OPTIONAL_FIELDS.filter((field) => {
    const value = record[field];
    return value === undefined || (Array.isArray(value) && value.length === 0);
  });
}

function unknownFieldMessage(parentPath: readonly PropertyKey[], key: string): string {
  if (parentPath.length === 0 && key === 'indexNumber') {
    return 'assigned by the library when the resource is first published; it cannot be given';
  }
  if (parentPath.length === 0 && key === 'publishedAt') return 'set by publication; it cannot be given';
  return 'not a field of the uniform metadata';
}

function pathOf(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>(
    (path, segment) => (typeof segment === 'number' ? `${path}[${segment}]` : `${path}.${String(segment)}`),
    'metadata',
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rawSubject(input: unknown): string | undefined {
  if (!isRecord(input) || typeof input.subject !== 'string') return undefined;
  return input.subject
    .split(SUBJECT_SEPARATOR)
    .map((segment) => segment.trim())
    .join(SUBJECT_SEPARATOR);
}
