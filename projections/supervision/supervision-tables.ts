/**
 * The tables of one generation of the supervision read model. Times are ISO 8601 UTC strings (sortable as text),
 * dates `YYYY-MM-DD` in China Standard Time.
 */
import type Database from 'better-sqlite3';
import { tableSuffix } from '../sqlite/sqlite-generations.js';

export interface SupervisionTables {
  sites: string;
  columns: string;
  placements: string;
  contributions: string;
  messages: string;
  checks: string;
  workOrders: string;
}

export function supervisionTables(generation: string): SupervisionTables {
  const s = tableSuffix(generation);
  return {
    sites: `sup_sites_${s}`,
    columns: `sup_columns_${s}`,
    placements: `sup_placements_${s}`,
    contributions: `sup_contributions_${s}`,
    messages: `sup_messages_${s}`,
    checks: `sup_checks_${s}`,
    workOrders: `sup_work_orders_${s}`,
  };
}

export function createSupervisionTables(db: Database.Database, t: SupervisionTables): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS ${t.sites} (
      site_id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, opened_at TEXT NOT NULL,
      offline_from TEXT, offline_until TEXT, outage_id TEXT, outage_started_at TEXT);
    CREATE TABLE IF NOT EXISTS ${t.columns} (
      site_id TEXT NOT NULL, column_id TEXT NOT NULL, channel_id TEXT NOT NULL, name TEXT NOT NULL, path TEXT NOT NULL,
      update_cycle TEXT NOT NULL, topic INTEGER NOT NULL, state TEXT NOT NULL, added_at TEXT NOT NULL,
      archived_at TEXT, archive_reason TEXT, last_published_at TEXT,
      PRIMARY KEY (site_id, column_id));
    CREATE INDEX IF NOT EXISTS ${t.columns}_state ON ${t.columns} (state, site_id);
    CREATE TABLE IF NOT EXISTS ${t.placements} (
      resource_id TEXT NOT NULL, site_id TEXT NOT NULL, column_id TEXT NOT NULL, placed_at TEXT NOT NULL,
      via TEXT NOT NULL, title TEXT NOT NULL,
      PRIMARY KEY (site_id, column_id, resource_id));
    CREATE INDEX IF NOT EXISTS ${t.placements}_site_time ON ${t.placements} (site_id, placed_at);
    CREATE INDEX IF NOT EXISTS ${t.placements}_resource ON ${t.placements} (resource_id);
    CREATE TABLE IF NOT EXISTS ${t.contributions} (resource_id TEXT PRIMARY KEY, contributor_site_id TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS ${t.messages} (
      message_id TEXT PRIMARY KEY, site_id TEXT NOT NULL, category TEXT NOT NULL, subject TEXT NOT NULL,
      question TEXT NOT NULL, asker TEXT NOT NULL, status TEXT NOT NULL, received_at TEXT NOT NULL,
      working_days INTEGER NOT NULL, due_date TEXT NOT NULL, unit TEXT, extension_reason TEXT,
      dismissed_at TEXT, dismiss_reason TEXT, resource_id TEXT, answer TEXT, answered_at TEXT);
    CREATE INDEX IF NOT EXISTS ${t.messages}_site ON ${t.messages} (site_id, received_at);
    CREATE INDEX IF NOT EXISTS ${t.messages}_open ON ${t.messages} (due_date) WHERE answered_at IS NULL AND dismissed_at IS NULL;
    CREATE INDEX IF NOT EXISTS ${t.messages}_resource ON ${t.messages} (resource_id) WHERE resource_id IS NOT NULL;
    CREATE TABLE IF NOT EXISTS ${t.checks} (
      check_id TEXT PRIMARY KEY, kind TEXT NOT NULL, site_ids TEXT NOT NULL, findings INTEGER NOT NULL,
      recorded_at TEXT NOT NULL, by TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS ${t.workOrders} (
      work_order_id TEXT PRIMARY KEY, check_id TEXT NOT NULL, site_id TEXT NOT NULL, origin TEXT NOT NULL,
      item TEXT NOT NULL, severity TEXT NOT NULL, title TEXT NOT NULL, evidence TEXT NOT NULL, rule TEXT,
      status TEXT NOT NULL, opened_at TEXT NOT NULL, due_date TEXT NOT NULL, answered_at TEXT, outcome TEXT,
      answer_note TEXT, answered_on_time INTEGER, closed_at TEXT, close_note TEXT, reopened_at TEXT,
      reopen_reason TEXT, history TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS ${t.workOrders}_site ON ${t.workOrders} (site_id, opened_at);
    CREATE INDEX IF NOT EXISTS ${t.workOrders}_open ON ${t.workOrders} (due_date) WHERE status IN ('open', 'reopened');`);
}

export function dropSupervisionTables(db: Database.Database, t: SupervisionTables): void {
  for (const table of Object.values(t)) db.exec(`DROP TABLE IF EXISTS ${table}`);
}
