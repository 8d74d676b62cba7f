/**
 * Decides, before anything is written, whether a database file is ours, empty, or someone
 * else's. An OpenClaw agent store shares our file name; writing our tables into it would
 * leave a hybrid that neither program can import cleanly, so it is refused untouched.
 */
import { OpenclawError } from '../errors.ts'
import type { Db } from './db.ts'
import { listTables, newerSchemaError, readUserVersion, SCHEMA_VERSION, STORE_FORMAT } from './migrations.ts'

/** Tables only OpenClaw's own stores have (agent store, shared store, pre-v12 KV table). */
export const OPENCLAW_TABLES: readonly string[] = [
  'auth_profile_store',
  'auth_profile_state',
  'auth_profile_stores',
  'schema_meta',
  'config_machine_state',
]

export type StoreKind = 'empty' | 'ours' | 'openclaw' | 'unknown'

export interface SchemaProbe {
  kind: StoreKind
  userVersion: number
  /** User tables (sqlite_* internals excluded), sorted. */
  tables: string[]
}

export function probeSchema(db: Db): SchemaProbe {
  // One read transaction: read piecewise, a peer's first migration committing in between shows
  // "user_version 3, no tables" and a healthy new store is refused as foreign.
  const read = (): SchemaProbe => {
    const tables = [...listTables(db)].filter((t) => !t.startsWith('sqlite_')).sort()
    const userVersion = readUserVersion(db)
    return { kind: classify(db, tables, userVersion), userVersion, tables }
  }
  return db.inTransaction ? read() : db.transaction(read).deferred()
}

function classify(db: Db, tables: string[], userVersion: number): StoreKind {
  if (tables.includes('store_meta') && readFormat(db) === STORE_FORMAT) return 'ours'
  if (tables.some((t) => OPENCLAW_TABLES.includes(t))) return 'openclaw'
  if (tables.length === 0 && userVersion === 0) return 'empty'
  return 'unknown'
}

function readFormat(db: Db): string | undefined {
  try {
    const row = db.prepare("SELECT value FROM store_meta WHERE key = 'format'").get() as
      | { value: unknown }
      | undefined
    return typeof row?.value === 'string' ? row.value : undefined
  } catch {
    // A store_meta table with other columns is simply not our marker.
    return undefined
  }
}

/** Throws store_foreign / store_newer_schema; returns for 'empty' and usable 'ours'. */
export function assertUsable(probe: SchemaProbe, path: string): void {
  const found = probe.tables.slice(0, 8).join(', ')
  if (probe.kind === 'openclaw') {
    throw new OpenclawError(
      'store_foreign',
      `${path} is an OpenClaw agent store (tables: ${found}), not an openclaw-gateway store; ` +
        'refusing to write into it.',
      { hint: 'run: openclaw doctor --fix (imports it)', details: { path, tables: probe.tables } },
    )
  }
  if (probe.kind === 'unknown') {
    throw new OpenclawError(
      'store_foreign',
      `${path} is not an openclaw-gateway credential store (tables: ${found || 'none'}, ` +
        `user_version ${probe.userVersion}); refusing to write into it.`,
      { hint: `move ${path} aside if it is not needed`, details: { path, tables: probe.tables } },
    )
  }
  if (probe.kind === 'ours' && probe.userVersion > SCHEMA_VERSION)
    throw newerSchemaError(path, probe.userVersion)
}
