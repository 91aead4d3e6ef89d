/**
 * The `after` cursor of a search page, shared by both adapters: opaque to clients (base64url of JSON), checked on the
 * way back in, and bound to the query it was made for, so a cursor pasted into another query is refused rather than
 * silently paging something else.
 */
import { z } from 'zod';

const cursorSchema = z.strictObject({
  v: z.literal(1),
  /** Fingerprint of the query's text, filters and sort. */
  f: z.string().min(1).max(64),
  /** The generation that served the first page. */
  g: z.string().min(1).max(200),
  /** Snapshot position: documents that entered the library after it are left out of the following pages. */
  s: z.int().min(0),
  /** Hits served so far. */
  o: z.int().min(0),
  /** Sort key of the last hit served, ending with its resource id. */
  k: z
    .array(z.union([z.number(), z.string().max(1000)]))
    .min(1)
    .max(4),
  /** An adapter's handle on a frozen result list (a point in time, a cached ranking), when it has one. */
  p: z.string().min(1).max(4096).optional(),
});

export type SearchCursor = z.infer<typeof cursorSchema>;

export function encodeCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

/** The cursor, or null when the text is not one this library made. */
export function decodeCursor(text: string): SearchCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
