/**
 * A problem a check found on one site: found by the platform from what it records (stale and blank columns, the home
 * page, messages, availability) or written down by the supervisor, with what it rests on.
 */
import { z } from 'zod';
import { id } from '../shared/schemas.js';
import { SEVERITIES } from './severity.js';

export const FINDING_ORIGINS = ['automatic', 'manual'] as const;
export const FINDING_ITEMS = [
  'stale_columns',
  'blank_columns',
  'home_page',
  'unanswered_messages',
  'overdue_messages',
  'availability',
  'manual',
] as const;

export const finding = z.strictObject({
  siteId: id,
  origin: z.enum(FINDING_ORIGINS),
  item: z.enum(FINDING_ITEMS),
  severity: z.enum(SEVERITIES),
  /** What is wrong, in the words the site will read. */
  title: z.string().trim().min(1).max(500),
  /** What the finding rests on: the columns, messages or pages and since when. */
  evidence: z.array(z.string().trim().min(1).max(1000)).max(200).default([]),
  /** The rule it breaks. */
  rule: z.string().max(20).optional(),
});
export type Finding = z.output<typeof finding>;
