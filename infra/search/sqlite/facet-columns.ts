/**
 * The filter, facet and sort values of every document of a generation, held in typed arrays indexed by row id.
 * Counting facets over a result set in SQL costs several microseconds a row (a lookup and a sort per facet), which
 * at 100,000 matching documents is far beyond a search's budget; here it is a pass over arrays. The tables stay the
 * truth: the columns are loaded from them, updated after each of this process's commits, and loaded again when the
 * generation's version shows a batch of another process.
 */
import type Database from 'better-sqlite3';
import type { Facet, FacetCount } from '../../../projections/library/search-index.js';
import { orderFacetCounts } from '../shared/facet-order.js';
import type { NormalisedFilters } from '../shared/search-query.js';
import type { GenerationTables } from './sqlite-search-schema.js';

/** Strings as small integers, so that filters compare numbers and facets count into arrays. */
class Codes {
  readonly #codes = new Map<string, number>();
  readonly values: string[] = [];

  code(value: string): number {
    let code = this.#codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.#codes.set(value, code);
    }
    return code;
  }

  /** A mask of the codes of these values; values no document has are left out. */
  mask(values: readonly string[]): Uint8Array {
    const mask = new Uint8Array(this.values.length);
    for (const value of values) {
      const code = this.#codes.get(value);
      if (code !== undefined) mask[code] = 1;
    }
    return mask;
  }
}

/**
 * Codes of a field a document may have several of (the sites and columns it is placed in): the first two in arrays,
 * the rare rest aside, so that the loops over 100,000 documents read arrays rather than an object per document.
 */
class MultiValues {
  first = new Int32Array(0);
  second = new Int32Array(0);
  readonly rest = new Map<number, Int32Array>();

  grow(capacity: number): void {
    const grow = (array: Int32Array) => {
      const next = new Int32Array(capacity).fill(-1);
      next.set(array);
      return next;
    };
    this.first = grow(this.first);
    this.second = grow(this.second);
  }

  set(id: number, codes: number[]): void {
    this.first[id] = codes[0] ?? -1;
    this.second[id] = codes[1] ?? -1;
    if (codes.length > 2) this.rest.set(id, Int32Array.from(codes.slice(2)));
    else this.rest.delete(id);
  }

  anyIn(id: number, mask: Uint8Array): boolean {
    const first = this.first[id]!;
    if (first < 0) return false;
    if (mask[first] === 1) return true;
    const second = this.second[id]!;
    if (second < 0) return false;
    if (mask[second] === 1) return true;
    const rest = this.rest.get(id);
    return rest?.some((code) => mask[code] === 1) ?? false;
  }

  /** Adds one to `counts` for each code of each document. */
  count(ids: Int32Array, counts: Int32Array): void {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const first = this.first[id]!;
      if (first < 0) continue;
      counts[first]!++;
      const second = this.second[id]!;
      if (second >= 0) counts[second]!++;
    }
    if (this.rest.size === 0) return;
    const wanted = new Set(ids);
    for (const [id, codes] of this.rest) if (wanted.has(id)) for (const code of codes) counts[code]!++;
  }
}

const STATUS_CODES: Record<string, number> = { published: 0, archived: 1 };
const NONE = -1;

type Row = [
  id: number,
  resourceId: string,
  status: string,
  enteredAt: number,
  firstPublishedMs: number,
  publishedDate: string,
  publishedYear: number,
  writtenAt: string | null,
  subjectTop: string,
  subject: string,
  genre: string,
  publisher: string,
  resourceType: string,
  validity: string | null,
];

const ROW_COLUMNS = `id, resource_id, status, entered_at, first_published_ms, published_date, published_year, written_at,
  subject_top, subject, genre, publisher, resource_type, validity`;

const day = (date: string | null) => (date === null ? 0 : Number(date.replaceAll('-', '')));

export class FacetColumns {
  #capacity = 0;
  present = new Uint8Array(0);
  status = new Uint8Array(0);
  enteredAt = new Float64Array(0);
  firstPublishedMs = new Float64Array(0);
  publishedDay = new Int32Array(0);
  writtenDay = new Int32Array(0);
  year = new Int32Array(0);
  subjectTop = new Int32Array(0);
  subject = new Int32Array(0);
  genre = new Int32Array(0);
  publisher = new Int32Array(0);
  resourceType = new Int32Array(0);
  validity = new Int32Array(0);
  resourceIds: string[] = [];
  readonly sites = new MultiValues();
  readonly columns = new MultiValues();
  readonly codes = {
    subject: new Codes(),
    genre: new Codes(),
    publisher: new Codes(),
    resourceType: new Codes(),
    validity: new Codes(),
    site: new Codes(),
    column: new Codes(),
  };

  private constructor(
    private readonly prepare: (sql: string) => Database.Statement,
    private readonly t: GenerationTables,
    /** The generation's version (batches applied) that these columns reflect. */
    public generationVersion: number,
  ) {}

  static load(
    prepare: (sql: string) => Database.Statement,
    t: GenerationTables,
    generationVersion: number,
  ): FacetColumns {
    const columns = new FacetColumns(prepare, t, generationVersion);
    const rows = prepare(`SELECT ${ROW_COLUMNS} FROM ${t.docs}`).raw().all() as Row[];
    columns.#grow(rows.reduce((max, row) => Math.max(max, row[0]), 0) + 1);
    for (const row of rows) columns.#set(row);
    const placements = prepare(`SELECT doc, site_id, column_id FROM ${t.placements} ORDER BY doc`).raw().all() as Array<
      [number, string, string]
    >;
    let start = 0;
    while (start < placements.length) {
      let end = start;
      const doc = placements[start]![0];
      while (end < placements.length && placements[end]![0] === doc) end++;
      columns.#setPlacements(doc, placements.slice(start, end));
      start = end;
    }
    return columns;
  }

  /** Re-reads these documents after a commit of this process (a removed one becomes absent). */
  refresh(ids: Iterable<number>): void {
    const readRow = this.prepare(`SELECT ${ROW_COLUMNS} FROM ${this.t.docs} WHERE id = ?`).raw();
    const readPlacements = this.prepare(`SELECT doc, site_id, column_id FROM ${this.t.placements} WHERE doc = ?`).raw();
    for (const id of ids) {
      const row = readRow.get(id) as Row | undefined;
      if (row === undefined) {
        if (id < this.#capacity) this.present[id] = 0;
        continue;
      }
      this.#grow(id + 1);
      this.#set(row);
      this.#setPlacements(id, readPlacements.all(id) as Array<[number, string, string]>);
    }
  }

  #grow(size: number): void {
    if (size <= this.#capacity) return;
    const capacity = Math.max(size, Math.ceil(this.#capacity * 1.5), 1024);
    const grow = <T extends Uint8Array | Int32Array | Float64Array>(array: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(array);
      return next;
    };
    this.present = grow(this.present, (n) => new Uint8Array(n));
    this.status = grow(this.status, (n) => new Uint8Array(n));
    this.enteredAt = grow(this.enteredAt, (n) => new Float64Array(n));
    this.firstPublishedMs = grow(this.firstPublishedMs, (n) => new Float64Array(n));
    for (const key of [
      'publishedDay',
      'writtenDay',
      'year',
      'subjectTop',
      'subject',
      'genre',
      'publisher',
      'resourceType',
      'validity',
    ] as const) {
      this[key] = grow(this[key], (n) => new Int32Array(n));
    }
    this.sites.grow(capacity);
    this.columns.grow(capacity);
    this.#capacity = capacity;
  }

  #set(row: Row): void {
    const [id, resourceId, status, enteredAt, firstMs, publishedDate, year, writtenAt, subjectTop, subject] = row;
    const [, , , , , , , , , , genre, publisher, resourceType, validity] = row;
    this.present[id] = 1;
    this.status[id] = STATUS_CODES[status] ?? 2;
    this.enteredAt[id] = enteredAt;
    this.firstPublishedMs[id] = firstMs;
    this.publishedDay[id] = day(publishedDate);
    this.writtenDay[id] = day(writtenAt);
    this.year[id] = year;
    this.subjectTop[id] = this.codes.subject.code(subjectTop);
    this.subject[id] = this.codes.subject.code(subject);
    this.genre[id] = this.codes.genre.code(genre);
    this.publisher[id] = this.codes.publisher.code(publisher);
    this.resourceType[id] = this.codes.resourceType.code(resourceType);
    this.validity[id] = validity === null ? NONE : this.codes.validity.code(validity);
    this.resourceIds[id] = resourceId;
  }

  #setPlacements(id: number, placements: Array<[number, string, string]>): void {
    this.sites.set(id, [...new Set(placements.map(([, site]) => this.codes.site.code(site)))]);
    this.columns.set(
      id,
      placements.map(([, site, column]) => this.codes.column.code(`${site}/${column}`)),
    );
  }

  /** One more than the highest id these columns can hold. */
  get idLimit(): number {
    return this.#capacity;
  }

  /** Every present document id, ascending. */
  all(): Int32Array {
    const ids = new Int32Array(this.#capacity);
    let count = 0;
    for (let id = 0; id < this.#capacity; id++) if (this.present[id] === 1) ids[count++] = id;
    return ids.subarray(0, count);
  }

  /** Every present document published by one of these publishers (exact names), ascending. */
  withPublisher(names: readonly string[]): Int32Array {
    const mask = this.codes.publisher.mask(names);
    if (!mask.includes(1)) return new Int32Array(0);
    const ids = new Int32Array(this.#capacity);
    let count = 0;
    for (let id = 0; id < this.#capacity; id++) {
      if (this.present[id] === 1 && mask[this.publisher[id]!] === 1) ids[count++] = id;
    }
    return ids.subarray(0, count);
  }

  /**
   * The candidates that pass the filters and entered the library at or before the snapshot, in the candidates' order.
   */
  filter(candidates: Int32Array, filters: NormalisedFilters, snapshot: number): Int32Array {
    const statuses = new Uint8Array(3);
    for (const status of filters.statuses) statuses[STATUS_CODES[status]!] = 1;
    const masks = {
      genre: filters.genres.length > 0 ? this.codes.genre.mask(filters.genres) : null,
      publisher: filters.publishers.length > 0 ? this.codes.publisher.mask(filters.publishers) : null,
      resourceType: filters.resourceTypes.length > 0 ? this.codes.resourceType.mask(filters.resourceTypes) : null,
      validity: filters.validity.length > 0 ? this.codes.validity.mask(filters.validity) : null,
    };
    const subjects =
      filters.subjectTops.length + filters.subjectPaths.length > 0
        ? { tops: this.codes.subject.mask(filters.subjectTops), paths: this.codes.subject.mask(filters.subjectPaths) }
        : null;
    const sites = filters.siteIds.length > 0 ? this.codes.site.mask(filters.siteIds) : null;
    const columns =
      filters.columns.length > 0
        ? this.codes.column.mask(filters.columns.map((c) => `${c.siteId}/${c.columnId}`))
        : null;
    const range = (r: { from?: string; to?: string }) =>
      r.from === undefined && r.to === undefined
        ? null
        : { from: r.from === undefined ? 0 : day(r.from), to: r.to === undefined ? 99_999_999 : day(r.to) };
    const published = range(filters.publishedAt);
    const written = range(filters.writtenAt);

    const passed = new Int32Array(candidates.length);
    let count = 0;
    for (const id of candidates) {
      if (id >= this.#capacity || this.present[id] !== 1 || statuses[this.status[id]!] !== 1) continue;
      if (masks.genre !== null && masks.genre[this.genre[id]!] !== 1) continue;
      if (masks.publisher !== null && masks.publisher[this.publisher[id]!] !== 1) continue;
      if (masks.resourceType !== null && masks.resourceType[this.resourceType[id]!] !== 1) continue;
      if (masks.validity !== null && (this.validity[id] === NONE || masks.validity[this.validity[id]!] !== 1)) continue;
      if (subjects !== null && subjects.tops[this.subjectTop[id]!] !== 1 && subjects.paths[this.subject[id]!] !== 1) {
        continue;
      }
      if (published !== null && (this.publishedDay[id]! < published.from || this.publishedDay[id]! > published.to)) {
        continue;
      }
      if (
        written !== null &&
        (this.writtenDay[id] === 0 || this.writtenDay[id]! < written.from || this.writtenDay[id]! > written.to)
      ) {
        continue;
      }
      if (sites !== null && !this.sites.anyIn(id, sites)) continue;
      if (columns !== null && !this.columns.anyIn(id, columns)) continue;
      if (this.enteredAt[id]! <= snapshot) passed[count++] = id;
    }
    return passed.subarray(0, count);
  }

  /** Facet counts over the whole result set (see facets.ts for what each facet counts). */
  facets(ids: Int32Array, facets: readonly Facet[]): Partial<Record<Facet, FacetCount[]>> {
    const result: Partial<Record<Facet, FacetCount[]>> = {};
    const byCode = (codes: Codes, values: Int32Array) => {
      const counts = new Int32Array(codes.values.length);
      for (let i = 0; i < ids.length; i++) counts[values[ids[i]!]!]!++;
      return counts;
    };
    const toList = (codes: Codes, counts: Int32Array) =>
      Array.from(counts, (count, code) => ({ value: codes.values[code]!, count }));
    for (const facet of facets) {
      if (facet === 'genre') {
        result.genre = orderFacetCounts(toList(this.codes.genre, byCode(this.codes.genre, this.genre)));
      } else if (facet === 'subject') {
        const counts = byCode(this.codes.subject, this.subjectTop);
        for (let i = 0; i < ids.length; i++) {
          const id = ids[i]!;
          if (this.subject[id] !== this.subjectTop[id]) counts[this.subject[id]!]!++;
        }
        result.subject = orderFacetCounts(toList(this.codes.subject, counts));
      } else if (facet === 'year') {
        // Years since 1900, counted in an array rather than a map: this loop runs once per hit.
        const counts = new Int32Array(300);
        for (let i = 0; i < ids.length; i++) counts[this.year[ids[i]!]! - 1900]!++;
        result.year = orderFacetCounts(
          Array.from(counts, (count, offset) => ({ value: String(1900 + offset), count })),
        );
      } else {
        const counts = new Int32Array(this.codes.site.values.length);
        this.sites.count(ids, counts);
        result.site = orderFacetCounts(toList(this.codes.site, counts));
      }
    }
    return result;
  }

  /**
   * The first `limit` ids in the order of the sort, after the cursor's key when there is one: newest/oldest by
   * firstPublishedAt then resource id, or by resource id alone.
   */
  top(
    ids: Int32Array,
    order: 'newest' | 'oldest' | 'resourceId',
    after: readonly (number | string)[] | null,
    limit: number,
  ): number[] {
    const ms = this.firstPublishedMs;
    const rid = this.resourceIds;
    const direction = order === 'newest' ? -1 : 1;
    const compare =
      order === 'resourceId'
        ? (a: number, b: number) => (rid[a]! < rid[b]! ? -1 : rid[a]! > rid[b]! ? 1 : 0)
        : (a: number, b: number) =>
            ms[a] !== ms[b] ? direction * (ms[a]! - ms[b]!) : rid[a]! < rid[b]! ? -1 : rid[a]! > rid[b]! ? 1 : 0;
    const afterKey =
      after === null
        ? null
        : order === 'resourceId'
          ? { ms: 0, resourceId: String(after.at(-1)) }
          : { ms: Number(after[0]), resourceId: String(after.at(-1)) };
    const isAfter = (id: number) => {
      if (afterKey === null) return true;
      if (order !== 'resourceId' && ms[id] !== afterKey.ms) return direction * (ms[id]! - afterKey.ms) > 0;
      return rid[id]! > afterKey.resourceId;
    };
    // A sorted window of the best `limit` ids seen: one comparison for most ids, a binary insertion for the others.
    const best: number[] = [];
    for (const id of ids) {
      if (best.length === limit && compare(id, best[limit - 1]!) >= 0) continue;
      if (!isAfter(id)) continue;
      let low = 0;
      let high = best.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (compare(best[middle]!, id) <= 0) low = middle + 1;
        else high = middle;
      }
      best.splice(low, 0, id);
      if (best.length > limit) best.pop();
    }
    return best;
  }
}
