/**
 * The identifiers of government records, through the domain's own parsers: document numbers (GB/T 9704 brackets
 * restored only when one reading is possible), organisation codes (GB 32100 / GB 11714 check characters), and the
 * old sites' index numbers (kept when well-formed, flagged with the reason when not, for the write side to record).
 */
import { z } from 'zod';
import { checkOrganisationCode, normaliseDocNumber, parseIndexNumber } from '../../../domain/metadata/index.js';
import { typeName } from '../values.js';
import type { StepDefinition } from './step.js';

export const docNumberStep: StepDefinition<undefined> = {
  name: 'docNumber',
  summary: 'a document or decree number → <代字>〔YYYY〕N号 / <机关>令第N号, or flagged',
  kind: 'cleanse',
  options: z.undefined(),
  compile: () => (value) => {
    if (typeof value !== 'string') return { flagged: `docNumber expects text, got ${typeName(value)}` };
    const result = normaliseDocNumber(value);
    if (result.flagged) return { flagged: result.reason };
    return {
      value: result.value,
      changed: result.value !== value,
      ...(result.repairs.length > 0 ? { note: `${result.repairs.join(', ')} in "${value}"` } : {}),
    };
  },
};

export const organisationCodeStep: StepDefinition<undefined> = {
  name: 'organisationCode',
  summary: 'a unified social credit code or organisation code, check character verified, else flagged',
  kind: 'cleanse',
  options: z.undefined(),
  compile: () => (value) => {
    if (typeof value !== 'string') return { flagged: `organisationCode expects text, got ${typeName(value)}` };
    const code = value.trim().toUpperCase();
    const check = checkOrganisationCode(code);
    return check.valid ? { value: code } : { flagged: `${code}: ${check.reason}` };
  },
};

export const indexNumberStep: StepDefinition<undefined> = {
  name: 'indexNumber',
  summary: 'an old index number <organisation code>/<YYYY>-<NNNNN>: kept when well-formed, else flagged',
  kind: 'cleanse',
  options: z.undefined(),
  compile: () => (value) => {
    if (typeof value !== 'string') return { flagged: `indexNumber expects text, got ${typeName(value)}` };
    const parsed = parseIndexNumber(value);
    if (parsed.flagged) return { flagged: parsed.reason };
    return {
      value: parsed.value,
      ...(parsed.orgCodeCheckValid
        ? {}
        : {
            note: `the organisation code ${parsed.orgCode} has a wrong check character; the number is kept as issued`,
          }),
    };
  },
};
