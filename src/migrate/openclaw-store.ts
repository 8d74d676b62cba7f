/**
 * An existing OpenClaw agent store (`openclaw-agent.sqlite` with OpenClaw's own tables:
 * `auth_profile_store` row 'primary' holding `{version, profiles}`, `auth_profile_state` row
 * 'primary' holding `{order, lastGood, usageStats}`). Our store refuses to open it
 * (store_foreign), so: read and validate it, move it aside as `.migrating-<ts>` (the pending
 * marker; the runtime guard treats it as un-imported credentials), create our store, import,
 * verify, and only then rename it to `.migrated-<ts>`. A rerun finds the `.migrating-` file and
 * finishes the job; the import is idempotent.
 */
import fs from 'node:fs'
import { openRawDatabase } from '../store/db.ts'
import { probeSchema } from '../store/schema-probe.ts'
import type { AgentTarget } from './agent-target.ts'
import { archiveFile, archiveName, renameWithCompanions } from './archive.ts'
import type { MigrationContext } from './context.ts'
import { importParsed } from './json-source.ts'
import { parseLegacyDoc } from './legacy-doc.ts'
import { pendingOpenclawStores } from './legacy-files.ts'
import { parseLegacyState } from './legacy-state.ts'
import { emptyReport, type MigrationReport, type ParsedLegacy } from './types.ts'

export function isOpenclawStoreFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile() || fs.statSync(file).size === 0) return false
  } catch {
    return false
  }
  try {
    const db = openRawDatabase(file, { readonly: true })
    try {
      return probeSchema(db).kind === 'openclaw'
    } finally {
      db.close()
    }
  } catch {
    return false
  }
}

export type StoreRead = { ok: true; parsed: ParsedLegacy } | { ok: false; detail: string }

export function readOpenclawStore(file: string): StoreRead {
  let storeJson: unknown
  let stateJson: unknown
  try {
    const db = openRawDatabase(file, { readonly: true })
    try {
      const tables = probeSchema(db).tables
      if (tables.includes('auth_profile_store')) {
        storeJson = (
          db.prepare("SELECT store_json FROM auth_profile_store WHERE store_key = 'primary'").get() as
            | { store_json?: unknown }
            | undefined
        )?.store_json
      }
      if (tables.includes('auth_profile_state')) {
        stateJson = (
          db.prepare("SELECT state_json FROM auth_profile_state WHERE state_key = 'primary'").get() as
            | { state_json?: unknown }
            | undefined
        )?.state_json
      }
    } finally {
      db.close()
    }
  } catch (err) {
    return { ok: false, detail: `cannot read ${file}: ${(err as Error).message}` }
  }
  const storeDoc = parseCell(storeJson, { profiles: {} })
  const stateDoc = parseCell(stateJson, {})
  if (storeDoc === undefined)
    return { ok: false, detail: `${file}: auth_profile_store.store_json is not valid JSON` }
  const outcome = parseLegacyDoc(storeDoc, 'auth-profiles')
  if (!outcome.ok) return { ok: false, detail: `${file}: ${outcome.detail}` }
  const parsed = outcome.parsed
  if (
    stateDoc !== undefined &&
    typeof stateDoc === 'object' &&
    stateDoc !== null &&
    !Array.isArray(stateDoc)
  ) {
    const { state, rejected } = parseLegacyState(stateDoc as Record<string, unknown>)
    // The state row is authoritative over anything embedded in the store blob.
    parsed.state = {
      order: { ...parsed.state.order, ...state.order },
      lastGood: { ...parsed.state.lastGood, ...state.lastGood },
      usageStats: { ...parsed.state.usageStats, ...state.usageStats },
    }
    parsed.rejected.push(...rejected)
  }
  parsed.shape = 'profiles'
  return { ok: true, parsed }
}

function parseCell(v: unknown, fallback: unknown): unknown {
  if (v === undefined || v === null) return fallback
  if (typeof v !== 'string') return undefined
  try {
    return JSON.parse(v)
  } catch {
    return undefined
  }
}

/** The agent's own store path holds an OpenClaw store (or an interrupted run left one aside). */
export async function migrateOpenclawStore(
  agent: AgentTarget,
  ctx: MigrationContext,
): Promise<MigrationReport | undefined> {
  const report = emptyReport('openclaw-store', { agentId: agent.agentId })
  let source = pendingOpenclawStores(agent.agentDir)[0]
  if (source === undefined) {
    if (!isOpenclawStoreFile(agent.storePath)) return undefined
    // Validate before touching anything: an unreadable store stays exactly where it is.
    const pre = readOpenclawStore(agent.storePath)
    if (!pre.ok)
      return { ...report, source: agent.storePath, status: 'failed', error: `${pre.detail}; left untouched` }
    source = archiveName(agent.storePath, 'migrating', ctx.now)
    renameWithCompanions(agent.storePath, source, true)
    await ctx.hooks.marker?.('after-move-aside', source)
  }
  report.source = source
  const read = readOpenclawStore(source)
  if (!read.ok) return { ...report, status: 'failed', error: read.detail }
  const pending = source
  return importParsed(
    read.parsed,
    {
      file: pending,
      storePath: agent.storePath,
      archive: () => {
        let target = pending.replace('.migrating-', '.migrated-')
        for (let n = 1; fs.existsSync(target); n++)
          target = `${pending.replace('.migrating-', '.migrated-')}-${n}`
        renameWithCompanions(pending, target, true)
        return target
      },
    },
    ctx,
    report,
  )
}

/** An OpenClaw store somewhere else (a legacy ~/.clawdbot dir) imported into an agent's store. */
export async function migrateForeignStoreFile(
  file: string,
  agent: AgentTarget,
  ctx: MigrationContext,
  migration: string,
): Promise<MigrationReport | undefined> {
  if (!isOpenclawStoreFile(file)) return undefined
  const report = emptyReport(migration, { agentId: agent.agentId, source: file })
  const read = readOpenclawStore(file)
  if (!read.ok) return { ...report, status: 'failed', error: `${read.detail}; left untouched` }
  return importParsed(
    read.parsed,
    { file, storePath: agent.storePath, archive: (now) => archiveFile(file, 'migrated', now, true) },
    ctx,
    report,
  )
}
