/**
 * The tables of the embedded search index. Shared tables name the generations and which one readers use; each
 * generation has its own set of tables (prefix `g<id>_`), so a rebuild fills new tables while readers use the old
 * ones, and dropping a generation is dropping its tables.
 */
import type Database from 'better-sqlite3';

export const READ_MODEL = 'library';

export interface GenerationTables {
  docs: string;
  json: string;
  placements: string;
  fts: string;
  titles: string;
  tombstones: string;
}

export function generationTables(id: number): GenerationTables {
  const prefix = `g${id}_`;
  return {
    docs: `${prefix}docs`,
    json: `${prefix}json`,
    placements: `${prefix}placements`,
    fts: `${prefix}fts`,
    titles: `${prefix}titles`,
    tombstones: `${prefix}tombstones`,
  };
}

export function createSharedTables(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS search_generations (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      checkpoint INTEGER,
      -- The highest position any change or checkpoint of this generation carried: a page's snapshot.
      high_water INTEGER NOT NULL DEFAULT 0,
      -- Batches applied: another process's writes to this generation show as a change of it (facet-columns.ts).
      version INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE IF NOT EXISTS search_aliases (
      name TEXT PRIMARY KEY,
      generation_id INTEGER NOT NULL REFERENCES search_generations (id)
    );
  `);
}

export function createGenerationTables(db: Database.Database, id: number): void {
  const t = generationTables(id);
  db.exec(`
    CREATE TABLE ${t.docs} (
      id INTEGER PRIMARY KEY,
      resource_id TEXT NOT NULL UNIQUE,
      position INTEGER NOT NULL,
      -- Position of the change that brought the document into this generation: pages after the first leave out
      -- documents that entered after the first page was served.
      entered_at INTEGER NOT NULL,
      status TEXT NOT NULL,
      first_published_ms INTEGER NOT NULL,
      published_date TEXT NOT NULL,
      published_year INTEGER NOT NULL,
      written_at TEXT,
      subject TEXT NOT NULL,
      subject_top TEXT NOT NULL,
      genre TEXT NOT NULL,
      publisher TEXT NOT NULL,
      resource_type TEXT NOT NULL,
      validity TEXT,
      site_id TEXT NOT NULL,
      index_number TEXT NOT NULL,
      doc_number TEXT,
      title_key TEXT NOT NULL
    );
    CREATE INDEX ${t.docs}_index_number ON ${t.docs} (index_number);
    CREATE INDEX ${t.docs}_doc_number ON ${t.docs} (doc_number) WHERE doc_number IS NOT NULL;
    CREATE INDEX ${t.docs}_title_key ON ${t.docs} (title_key);
    CREATE INDEX ${t.docs}_by_date ON ${t.docs} (status, first_published_ms, resource_id);
    -- Kept apart from the filter columns so that scanning those never reads the documents' pages.
    CREATE TABLE ${t.json} (id INTEGER PRIMARY KEY, document TEXT NOT NULL);
    CREATE TABLE ${t.placements} (
      site_id TEXT NOT NULL,
      column_id TEXT NOT NULL,
      doc INTEGER NOT NULL,
      PRIMARY KEY (site_id, column_id, doc)
    ) WITHOUT ROWID;
    CREATE INDEX ${t.placements}_doc ON ${t.placements} (doc, site_id);
    -- Each field as words (title_w…) and as bigrams (title_b…), see chinese-text.ts, written separated by spaces.
    -- Contentless: the documents are stored once, in the json table.
    CREATE VIRTUAL TABLE ${t.fts} USING fts5 (
      title_w, meta_w, body_w, title_b, meta_b, body_b,
      content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
    );
    -- The titles alone, as words and bigrams: a broad search ranks the hits with its terms in the title first
    -- (sqlite-search-page.ts), and finding those here reads short doclists (a title is a few dozen characters, a
    -- body thousands).
    CREATE VIRTUAL TABLE ${t.titles} USING fts5 (
      title_w, title_b, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
    );
    -- Removed resources with the position of the removal, so that replaying an older upsert cannot bring them back.
    CREATE TABLE ${t.tombstones} (resource_id TEXT PRIMARY KEY, position INTEGER NOT NULL) WITHOUT ROWID;
  `);
  for (const fts of [t.fts, t.titles]) {
    db.exec(`
      -- A batch's new terms stay in memory until it commits (the default flushes every megabyte, about 20 documents)
      -- and segments are merged 16 at a time rather than 4, so that a rebuild rewrites each term's postings fewer
      -- times: together a third less time per document, and searches no slower at 100,000 documents.
      INSERT INTO ${fts} (${fts}, rank) VALUES ('hashsize', 67108864);
      INSERT INTO ${fts} (${fts}, rank) VALUES ('automerge', 16);
      -- With automerge at 16, the default crisismerge (also 16) would merge a whole level at once inside whichever
      -- small live commit filled it, hundreds of milliseconds at 100,000 documents; well above it, merges stay
      -- incremental.
      INSERT INTO ${fts} (${fts}, rank) VALUES ('crisismerge', 64);
    `);
  }
}

export function dropGenerationTables(db: Database.Database, id: number): void {
  for (const table of Object.values(generationTables(id))) db.exec(`DROP TABLE IF EXISTS ${table}`);
}
