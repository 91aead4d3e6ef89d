/**
 * Where a library resource is placed, as the events change it (R-LIB-1, R-PUSH-1, R-SITE-5): a publication names
 * its own site's columns and keeps the places other sites took it into; an accepted push adds a place; a site's
 * content migration moves the places in its columns. The library projection and the site export both fold
 * placements with these, so an export lists exactly what the library showed.
 */
import type { Placement } from './library-document.js';

/** A publication (or a migrated version) by `siteId`, into `placements`, after `previous`. */
export function placedByPublication(siteId: string, placements: Placement[], previous: Placement[] = []): Placement[] {
  // A correction names the owning site's columns again; the places other sites took it into stay (R-PUSH-1).
  return [...placements, ...previous.filter((p) => p.siteId !== siteId)];
}

/** A push accepted by `siteId` into `columnId`; unchanged when it is already placed there. */
export function placedByAcceptance(previous: Placement[], siteId: string, columnId: string): Placement[] {
  if (previous.some((p) => p.siteId === siteId && p.columnId === columnId)) return previous;
  return [...previous, { siteId, columnId }];
}

/** A site's content moved to another site (R-SITE-5): the places in the moved columns go with it. */
export function placedAfterSiteMigration(
  previous: Placement[],
  siteId: string,
  toSiteId: string,
  columnIds: readonly string[],
): Placement[] {
  return previous.map((p) =>
    p.siteId === siteId && columnIds.includes(p.columnId) ? { siteId: toSiteId, columnId: p.columnId } : p,
  );
}
