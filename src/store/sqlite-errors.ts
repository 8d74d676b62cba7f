/**
 * Maps SQLite and filesystem failures to OpenclawError codes. Duck-typed on `code` so this file
 * does not import the driver (db.ts is the only module that does). Messages name the store and
 * its directory, never row contents: a constraint message could otherwise echo a secret.
 */
import fs from 'node:fs'
import path from 'node:path'
import { OpenclawError } from '../errors.ts'

export interface StoreErrorContext {
  path: string
  /** The store was opened with `readonly: true`; a write attempt is a caller bug, not a mode problem. */
  readonly?: boolean
}

interface CodedError extends Error {
  code: string
}

function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' ? code : undefined
}

export function isSqliteError(err: unknown): err is CodedError {
  return err instanceof Error && (codeOf(err)?.startsWith('SQLITE_') ?? false)
}

/** SQLITE_NOTADB / SQLITE_CORRUPT and their extended variants (SQLITE_CORRUPT_INDEX, ...). */
export function isCorruptionError(err: unknown): boolean {
  const code = codeOf(err)
  return code !== undefined && (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT'))
}

const READONLY_FS_CODES = new Set(['EACCES', 'EPERM', 'EROFS'])

/**
 * Returns the OpenclawError for a storage failure, or `err` unchanged when it is not one
 * (an exception thrown by a caller's callback inside a transaction must surface as-is).
 */
export function toStoreError(err: unknown, ctx: StoreErrorContext): unknown {
  if (OpenclawError.isInstance(err)) return err
  const code = codeOf(err)
  if (code === undefined || !(err instanceof Error)) return err
  const isSqlite = code.startsWith('SQLITE_')
  if (!isSqlite && !(err as { syscall?: unknown }).syscall) return err

  const dir = path.dirname(ctx.path)
  const details = { path: ctx.path, code }
  const cause = err

  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new OpenclawError(
      'store_busy',
      `Credential store ${ctx.path} is busy: another openclaw process holds the write lock; retry.`,
      { details, cause, retryable: true },
    )
  }
  if (code.startsWith('SQLITE_FULL') || code === 'ENOSPC' || code === 'EDQUOT') {
    return new OpenclawError('store_full', `Credential store ${ctx.path}: no space left in ${dir}.`, {
      details,
      cause,
      hint: `free disk space under ${dir} and retry`,
    })
  }
  if (code.startsWith('SQLITE_READONLY') && ctx.readonly) {
    return new OpenclawError(
      'store_readonly',
      `Credential store ${ctx.path} was opened read-only; this operation needs write access.`,
      { details, cause },
    )
  }
  if (code.startsWith('SQLITE_READONLY') || READONLY_FS_CODES.has(code) || isUnwritableCantOpen(code, dir)) {
    return new OpenclawError(
      'store_readonly',
      `state dir not writable: ${dir} (credential store ${ctx.path}).`,
      { details, cause, hint: `check the permissions and mount of ${dir}` },
    )
  }
  if (isCorruptionError(err)) {
    return new OpenclawError('store_corrupt', `Credential store ${ctx.path} is corrupt (${err.message}).`, {
      details,
      cause,
      hint: 'run: openclaw doctor',
    })
  }
  return new OpenclawError('store_io', `Credential store ${ctx.path}: ${code}: ${err.message}`, {
    details,
    cause,
  })
}

/** SQLite reports an unwritable directory as CANTOPEN (it cannot create -wal/-shm there). */
function isUnwritableCantOpen(code: string, dir: string): boolean {
  if (!code.startsWith('SQLITE_CANTOPEN')) return false
  try {
    fs.accessSync(dir, fs.constants.W_OK)
    return false
  } catch {
    return true
  }
}
