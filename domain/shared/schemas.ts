/** Small zod building blocks shared by command and event schemas. */
import { z } from 'zod';

/** Ids are chosen by clients (UUIDs or readable slugs) and become part of stream names, so no spaces or slashes. */
export const id = z
  .string('must be a string')
  .min(1, 'must not be empty')
  .max(100, 'must have at most 100 characters')
  .regex(/^[\p{L}\p{N}_.:-]+$/u, 'only letters, digits, _ . : - are allowed');

export const reason = z.string().trim().min(1, 'a reason is required').max(2000);
export const name = z.string().trim().min(1).max(200);
export const isoDate = z.iso.date();
export const isoDateTime = z.iso.datetime({ offset: true });
