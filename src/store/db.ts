/**
 * The only module that touches better-sqlite3, so the driver can be swapped (node:sqlite once
 * the project moves to Node 22) without touching the store logic.
 *
 * Opening is careful about order: everything that could write (WAL switch, migrations) runs only
 * after the file has been proven healthy and ours, so a foreign or corrupt file is never altered.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import nodePath from 'node:path'
import type BetterSqlite3 from 'better-sqlite3'
import { type Clock, systemClock } from '../auth/types.ts'
import { OpenclawError } from '../errors.ts'
import { ensurePrivateDir, PRIVATE_FILE_MODE, tightenMode } from '../util/fs-private.ts'
import { corruptStoreError, moveCorruptAside } from './corrupt-aside.ts'
import { applyMigrations, needsMigration, readUserVersion, SCHEMA_VERSION } from './migrations.ts'
import { assertUsable, probeSchema, type SchemaProbe } from './schema-probe.ts'
import { isCorruptionError, toStoreError } from './sqlite-errors.ts'
import { type StoreFilesystem, storeFilesystem } from './store-filesystem.ts'
import { noticeOnce } from './store-notices.ts'

// Required, not imported: loading a CommonJS package through the ESM loader parses it for
// named exports first, which every CLI start paid. Loaded on first open, not at import: most
// modules that import this one never open a store (e.g. `openclaw --version`).
const require = createRequire(import.meta.url)
let Database: typeof BetterSqlite3 | undefined

/**
 * The compiled addon, loaded by path. better-sqlite3 otherwise locates it with the `bindings`
 * package, which walks the call stack and probes a dozen paths: ~10 ms of every CLI start.
 * A build elsewhere (other layout, prebuilt binary) falls back to that search.
 */
let addon: object | null | undefined
function nativeAddon(): object | undefined {
  if (addon === undefined) {
    try {
      const root = nodePath.dirname(nodePath.dirname(require.resolve('better-sqlite3')))
      addon = require(nodePath.join(root, 'build', 'Release', 'better_sqlite3.node')) as object
    } catch {
      addon = null
    }
  }
  return addon ?? undefined
}

/** The driver's constructor, for the store modules beside this one (store-backup.ts); no checks. */
export function newDatabase(filename: string | Buffer, options: BetterSqlite3.Options = {}): Db {
  Database ??= require('better-sqlite3') as typeof BetterSqlite3
  const nativeBinding = nativeAddon()
  // The typings predate addon objects; the driver accepts one (better-sqlite3 #972).
  return new Database(
    filename,
    nativeBinding ? ({ ...options, nativeBinding } as unknown as BetterSqlite3.Options) : options,
  )
}

export type Db = BetterSqlite3.Database
export type Statement<P extends unknown[] = unknown[], R = unknown> = BetterSqlite3.Statement<P, R>

export interface OpenDatabaseOptions {
  /** Open without creating or changing anything; a missing file reads as an empty store. */
  readonly?: boolean
  busyTimeoutMs?: number
  /** Used to stamp `<name>.corrupt-<timestamp>`. */
  clock?: Clock
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000

/**
 * B-08: after a checkpoint lets the WAL restart, SQLite truncates the file back to this size.
 * Without it the WAL keeps its high-water size forever (a reader that starved checkpoints once
 * leaves a file of many MB). 8 MiB is twice the WAL's normal high-water mark (the automatic
 * checkpoint runs at 1000 pages, about 4 MiB at 4 KiB pages), so ordinary checkpoint cycles
 * never truncate and regrow the file; only a starved WAL is cut back. OpenClaw's 64 MiB is
 * sized for its whole state database; ours hold a few hundred KB of credentials.
 */
export const JOURNAL_SIZE_LIMIT_BYTES = 8 * 1024 * 1024

/** SQLite's automatic checkpoint threshold (pages), the WAL's normal high-water mark. */
export const AUTOCHECKPOINT_PAGES = 1000

export function openDatabase(path: string, opts: OpenDatabaseOptions = {}): Db {
  const readonly = opts.readonly ?? false
  const timeout = opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS
  try {
    return readonly ? openReadonly(path, timeout) : openReadWrite(path, timeout, opts.clock ?? systemClock)
  } catch (err) {
    throw toStoreError(err, { path, readonly })
  }
}

function openReadWrite(path: string, timeout: number, clock: Clock): Db {
  // Before anything is created: on a filesystem where no journal mode is safe, nothing may be.
  const fsInfo = storeFilesystem(nodePath.dirname(path))
  if (fsInfo.policy.mode === 'refuse') throw unsupportedFilesystem(path, fsInfo)
  ensurePrivateDir(nodePath.dirname(path))
  createIfMissing(path)
  // Opening a new store races its peers: a connection still in rollback mode that switches to
  // WAL while another commits the first migration gets SQLITE_BUSY at once (SQLite's deadlock
  // avoidance skips the busy handler). Starting over sees the winner's finished store.
  const deadline = Date.now() + timeout
  for (let attempt = 0; ; attempt++) {
    try {
      return openReadWriteOnce(path, timeout, clock, fsInfo)
    } catch (err) {
      if (!isBusy(err) || Date.now() >= deadline) throw err
      pauseSync(Math.min(5 * 2 ** attempt, 100))
    }
  }
}

/**
 * Creates the file 0600 from its first byte (SQLite gives -wal and -shm the main file's mode).
 * Only when missing: opening and closing a descriptor of an existing store would drop every
 * POSIX lock this process's other connections hold on it (SQLite "How to corrupt" 2.2).
 */
function createIfMissing(path: string): void {
  if (fs.existsSync(path)) return
  try {
    fs.closeSync(
      fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, PRIVATE_FILE_MODE),
    )
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
}

const pauseCell = new Int32Array(new SharedArrayBuffer(4))
/** Opening is synchronous; a few milliseconds of backoff while a peer finishes creating the store. */
function pauseSync(ms: number): void {
  Atomics.wait(pauseCell, 0, 0, ms)
}

function openReadWriteOnce(path: string, timeout: number, clock: Clock, fsInfo: StoreFilesystem): Db {
  let db: Db | undefined
  try {
    const checked = fs.statSync(path).size > 0 && preflight(path, timeout)
    db = newDatabase(path, { timeout })
    assertUsable(checked ? probeSchema(db) : inspect(db), path)
    applyJournalPolicy(db, path, fsInfo)
    db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`)
    // FULL: a credential rotation acknowledged to the user must survive power loss.
    db.pragma('synchronous = FULL')
    db.pragma('foreign_keys = ON')
    if (needsMigration(db)) applyMigrations(db, path)
    for (const file of [path, `${path}-wal`, `${path}-shm`]) tightenMode(file, PRIVATE_FILE_MODE)
    return db
  } catch (err) {
    db?.close()
    if (isCorruptionError(err)) throw corruptStoreError(path, moveAside(path, clock()), err)
    throw err
  }
}

function unsupportedFilesystem(path: string, fsInfo: StoreFilesystem): OpenclawError {
  const reason = fsInfo.policy.mode === 'refuse' ? fsInfo.policy.reason : ''
  return new OpenclawError(
    'store_unsupported_fs',
    `Credential store ${path} cannot be opened for writing: ${reason}${fsInfo.mountPoint ? ` (mount ${fsInfo.mountPoint})` : ''}.`,
    {
      hint: 'keep the state dir on a local disk: move it and set OPENCLAW_STATE_DIR=<local dir> (or OPENCLAW_AGENT_DIR for one agent)',
      details: {
        path,
        fsType: fsInfo.policy.fsType,
        ...(fsInfo.mountPoint ? { mountPoint: fsInfo.mountPoint } : {}),
      },
    },
  )
}

/**
 * B-11. Local: WAL. Network or unknown: a rollback journal. A store that is already in WAL
 * there (made before this policy, or when the dir was local) is switched: SQLite checkpoints
 * the WAL into the main file first, so nothing is lost. The switch needs the store to itself;
 * while another connection has it open (a running gateway) it stays in WAL for now, rather than
 * failing the command or waiting out the busy timeout, and the next open tries again.
 */
function applyJournalPolicy(db: Db, path: string, fsInfo: StoreFilesystem): void {
  const policy = fsInfo.policy
  if (policy.mode !== 'delete') {
    db.pragma('journal_mode = WAL')
    return
  }
  const where = fsInfo.mountPoint ? ` (mount ${fsInfo.mountPoint})` : ''
  noticeOnce(
    `journal:${fsInfo.mountPoint ?? path}`,
    `warning: credential store ${path}: ${policy.reason}${where}.`,
  )
  if (String(db.pragma('journal_mode', { simple: true })) !== 'wal') {
    db.pragma('journal_mode = DELETE')
    return
  }
  const timeout = Number(db.pragma('busy_timeout', { simple: true }))
  db.pragma('busy_timeout = 0')
  try {
    const mode = String(db.pragma('journal_mode = DELETE', { simple: true }))
    if (mode !== 'delete')
      throw Object.assign(new Error(`journal_mode stayed ${mode}`), { code: 'SQLITE_BUSY' })
    noticeOnce(
      `journal-switched:${path}`,
      `warning: credential store ${path} was in WAL mode on ${policy.fsType}; switched it to a rollback journal (its WAL was checkpointed into it first, nothing lost).`,
    )
  } catch (err) {
    if (!isBusy(err)) throw err
    noticeOnce(
      `journal-busy:${path}`,
      `warning: credential store ${path} is on ${policy.fsType} but still in WAL mode: another process has it open, so it switches to a rollback journal on a later open, once no other openclaw process (e.g. the gateway) has it open.`,
    )
  } finally {
    db.pragma(`busy_timeout = ${timeout}`)
  }
}

/** The corruption is the news; failing to rename (another process won the race, EACCES) is not. */
function moveAside(path: string, now: number): string | { leftInPlace: string } {
  try {
    return moveCorruptAside(path, now)
  } catch (err) {
    return { leftInPlace: `could not move it aside: ${(err as Error).message}` }
  }
}

function openReadonly(path: string, timeout: number): Db {
  if (!fs.existsSync(path)) return emptyStore(path)
  let db: Db | undefined
  let probe: SchemaProbe
  try {
    try {
      db = newDatabase(path, { readonly: true, fileMustExist: true, timeout })
      probe = inspect(db)
    } catch (err) {
      if (!cannotShareWal(err)) throw err
      db?.close()
      // A WAL store in an unwritable dir whose -shm is gone (clean shutdown) cannot be opened
      // read-only by SQLite; reading a private in-memory copy keeps status commands working.
      db = openInMemoryCopy(path)
      probe = inspect(db)
    }
  } catch (err) {
    db?.close()
    // Read-only callers (status) must not rename files; the next writer or doctor moves it.
    if (isCorruptionError(err)) throw corruptStoreError(path, { leftInPlace: 'opened read-only' }, err)
    throw err
  }
  try {
    assertUsable(probe, path)
    if (probe.kind === 'empty') {
      db.close()
      return emptyStore(path)
    }
    if (needsMigration(db)) {
      throw new OpenclawError(
        'store_io',
        `Credential store ${path} uses schema ${readUserVersion(db)} and needs an upgrade to ` +
          `${SCHEMA_VERSION}, which a read-only open cannot do.`,
        {
          hint: 'run any openclaw command that writes credentials, or: openclaw doctor --fix',
          details: { path },
        },
      )
    }
    return db
  } catch (err) {
    db.close()
    throw err
  }
}

/**
 * Judges an existing file through a read-only connection: a read-write one would replay and
 * checkpoint a -wal into (and then delete it beside) a file that may be corrupt or foreign.
 * Returns false when SQLite cannot read it read-only here (unwritable dir, hot rollback journal);
 * the read-write connection then does the checks itself.
 */
function preflight(path: string, timeout: number): boolean {
  let ro: Db | undefined
  try {
    ro = newDatabase(path, { readonly: true, fileMustExist: true, timeout })
    assertUsable(inspect(ro), path)
    return true
  } catch (err) {
    if (cannotShareWal(err)) return false
    throw err
  } finally {
    ro?.close()
  }
}

/** Health check before trusting a file: NOTADB surfaces on the first read, page damage on quick_check. */
function inspect(db: Db): SchemaProbe {
  const probe = probeSchema(db)
  const rows = db.pragma('quick_check') as { quick_check: string }[]
  const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok')
  if (problems.length > 0) {
    throw Object.assign(new Error(`quick_check: ${problems.slice(0, 3).join('; ')}`), {
      code: 'SQLITE_CORRUPT',
    })
  }
  return probe
}

/** SQLite needs a writable dir (or an existing -shm) to read a WAL database in place. */
function cannotShareWal(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return (
    typeof code === 'string' && (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY'))
  )
}

function openInMemoryCopy(path: string): Db {
  const bytes = fs.readFileSync(path)
  // Header bytes 18/19 = 2 mark WAL mode, which a deserialized database cannot use.
  if (bytes.length >= 20 && bytes[18] === 2 && bytes[19] === 2) {
    bytes[18] = 1
    bytes[19] = 1
  }
  return newDatabase(bytes, { readonly: true })
}

/** A schema-complete in-memory store that refuses writes: the view of a store not created yet. */
function emptyStore(path: string): Db {
  const db = newDatabase(':memory:')
  applyMigrations(db, path)
  db.pragma('query_only = ON')
  return db
}

/**
 * A bare connection with no checks, pragmas or migrations: for doctor to read a foreign
 * (OpenClaw) or moved-aside store, and for tests to craft fixtures. Never for normal writes.
 */
export function openRawDatabase(path: string, opts: { readonly?: boolean } = {}): Db {
  const readonly = opts.readonly ?? false
  try {
    return newDatabase(path, { readonly, fileMustExist: readonly })
  } catch (err) {
    throw toStoreError(err, { path, readonly })
  }
}

/**
 * Doctor's look into a moved-aside corrupt store: the profile ids (never secrets) still
 * readable from a private in-memory copy of the main file, so the file itself is not touched
 * and no -shm appears beside it. Undefined when nothing can be read.
 */
export function peekProfileIds(
  path: string,
): Array<{ profileId: string; provider: string; type: string }> | undefined {
  let db: Db | undefined
  try {
    if (fs.statSync(path).size > 64 * 1024 * 1024) return undefined
    db = openInMemoryCopy(path)
    return db
      .prepare('SELECT profile_id AS profileId, provider, type FROM auth_profiles ORDER BY profile_id')
      .all() as Array<{ profileId: string; provider: string; type: string }>
  } catch {
    return undefined
  } finally {
    db?.close()
  }
}

export interface WalState {
  journalMode: string
  /** Size of `<store>-wal` before the check (0 when there is none). */
  walBytes: number
  /** Frames in the WAL, and how many a passive checkpoint could copy into the store. */
  frames: number
  checkpointed: number
}

/**
 * Doctor's look at checkpoint starvation (B-08): the WAL's size, then one PASSIVE checkpoint,
 * which copies every frame no reader still needs and reports the rest. It waits for nobody
 * and changes no content: it is what any writer's commit does. Undefined when the store
 * cannot be opened read-write here (missing, unwritable dir): then nothing is known.
 */
export function inspectWal(path: string, busyTimeoutMs = 1000): WalState | undefined {
  if (!fs.existsSync(path)) return undefined
  let walBytes = 0
  try {
    walBytes = fs.statSync(`${path}-wal`).size
  } catch {}
  let db: Db | undefined
  try {
    // Only a store proven healthy and ours read-only: a read-write connection would replay a
    // -wal into a corrupt or foreign file (see openReadWriteOnce).
    if (!preflight(path, busyTimeoutMs)) return undefined
    db = newDatabase(path, { fileMustExist: true, timeout: busyTimeoutMs })
    const journalMode = String(db.pragma('journal_mode', { simple: true }))
    if (journalMode !== 'wal') return { journalMode, walBytes, frames: 0, checkpointed: 0 }
    const [row] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[]
    return {
      journalMode,
      walBytes,
      frames: Math.max(0, row?.log ?? 0),
      checkpointed: Math.max(0, row?.checkpointed ?? 0),
    }
  } catch {
    return undefined
  } finally {
    db?.close()
  }
}
