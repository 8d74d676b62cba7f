/**
 * Schema migrations, ordered by version. Each one must be idempotent (IF NOT EXISTS, OR IGNORE):
 * a store whose user_version is current but which lost a table is repaired by replaying them all.
 */
import { OpenclawError } from '../errors.ts'
import type { Db } from './db.ts'

export const STORE_FORMAT = 'openclaw-gateway-store'

export interface Migration {
  version: number
  sql: string
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE IF NOT EXISTS store_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
      INSERT OR IGNORE INTO store_meta(key, value) VALUES ('format', '${STORE_FORMAT}');

      -- Secrets only in secret_json; every other column is safe to show in status output.
      CREATE TABLE IF NOT EXISTS auth_profiles (
        profile_id TEXT PRIMARY KEY,
        provider TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('api_key', 'token', 'oauth')),
        secret_json TEXT NOT NULL,
        expires INTEGER,
        email TEXT,
        display_name TEXT,
        account_id TEXT,
        metadata_json TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        generation INTEGER NOT NULL
      ) STRICT;

      -- No foreign keys from state to auth_profiles: state may describe a profile inherited
      -- read-through from another agent's store.
      CREATE TABLE IF NOT EXISTS profile_state (
        profile_id TEXT PRIMARY KEY,
        last_used INTEGER,
        last_good_at INTEGER,
        last_failure_at INTEGER,
        failure_counts_json TEXT NOT NULL DEFAULT '{}',
        disabled_until INTEGER,
        disabled_reason TEXT,
        disabled_count INTEGER,
        disabled_last_failure_at INTEGER
      ) STRICT;

      CREATE TABLE IF NOT EXISTS cooldowns (
        profile_id TEXT NOT NULL,
        model TEXT NOT NULL,
        until INTEGER NOT NULL,
        reason TEXT NOT NULL,
        error_count INTEGER NOT NULL,
        last_failure_at INTEGER NOT NULL,
        PRIMARY KEY (profile_id, model)
      ) STRICT;

      CREATE TABLE IF NOT EXISTS order_overrides (
        provider TEXT PRIMARY KEY,
        profile_ids_json TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE IF NOT EXISTS last_good (
        provider TEXT PRIMARY KEY,
        profile_id TEXT NOT NULL,
        at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    sql: `
      -- Per-session model / auth-profile pins (the gateway's /model command and stickiness).
      CREATE TABLE IF NOT EXISTS sessions (
        session_key TEXT PRIMARY KEY,
        model_override TEXT,
        profile_override TEXT,
        profile_override_source TEXT CHECK (profile_override_source IN ('user', 'auto')),
        order_signature TEXT,
        updated_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 3,
    sql: `
      -- OAuth refresh outcome of one profile generation (docs/oauth.md): a terminal failure
      -- ('reauth_required') or a transient one ('backoff'). Tied to the generation it was
      -- observed on, so a new login (new generation) is never blocked by an old verdict.
      -- Never holds token material.
      CREATE TABLE IF NOT EXISTS oauth_refresh_state (
        profile_id TEXT PRIMARY KEY,
        generation INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('reauth_required', 'backoff')),
        reason TEXT NOT NULL,
        message TEXT NOT NULL,
        failures INTEGER NOT NULL,
        failed_at INTEGER NOT NULL,
        retry_at INTEGER
      ) STRICT;

      -- Cross-process refresh leases, keyed by the upstream identity (a hash of provider +
      -- account), not by agent or profile. Used in <state>/state/oauth-refresh.sqlite.
      CREATE TABLE IF NOT EXISTS refresh_leases (
        lease_key TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        owner TEXT NOT NULL,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        acquired_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;

      -- "This refresh token was spent; its successor lives at store_path#profile_id". Lets a
      -- holder of a byte-identical copy follow the canonical credential instead of spending a
      -- dead token (which makes providers revoke the whole token family).
      CREATE TABLE IF NOT EXISTS refresh_settlements (
        spent_hash TEXT PRIMARY KEY,
        lease_key TEXT NOT NULL,
        store_path TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        generation INTEGER NOT NULL,
        settled_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
]

export const SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0)

export const REQUIRED_TABLES: readonly string[] = [
  'store_meta',
  'auth_profiles',
  'profile_state',
  'cooldowns',
  'order_overrides',
  'last_good',
  'sessions',
  'oauth_refresh_state',
  'refresh_leases',
  'refresh_settlements',
]

export function readUserVersion(db: Db): number {
  return Number(db.pragma('user_version', { simple: true }))
}

export function listTables(db: Db): Set<string> {
  const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
  return new Set(rows.map((r) => r.name))
}

export function newerSchemaError(path: string, found: number): OpenclawError {
  return new OpenclawError(
    'store_newer_schema',
    `Credential store ${path} was written by a newer version (schema ${found}); ` +
      `this build supports up to ${SCHEMA_VERSION}. Upgrade openclaw.`,
    { details: { path, schemaVersion: found, supported: SCHEMA_VERSION } },
  )
}

export function needsMigration(db: Db): boolean {
  if (readUserVersion(db) < SCHEMA_VERSION) return true
  const tables = listTables(db)
  return REQUIRED_TABLES.some((t) => !tables.has(t))
}

/**
 * Brings the schema to SCHEMA_VERSION inside one BEGIN IMMEDIATE, re-reading the version under
 * the write lock: several processes may open a brand-new store at the same moment.
 */
export function applyMigrations(db: Db, path: string): void {
  db.transaction(() => {
    const current = readUserVersion(db)
    if (current > SCHEMA_VERSION) throw newerSchemaError(path, current)
    const tables = listTables(db)
    const missing = REQUIRED_TABLES.some((t) => !tables.has(t))
    // A current store that lost a table replays everything; the migrations are idempotent.
    const from = missing ? 0 : current
    const pending = [...MIGRATIONS].sort((a, b) => a.version - b.version).filter((m) => m.version > from)
    for (const m of pending) db.exec(m.sql)
    if (current !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`)
  }).immediate()
}
