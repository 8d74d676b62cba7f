/**
 * A corrupt store is renamed, never deleted or recreated in place: the file may still hold the
 * only copy of a refresh token that doctor or sqlite3's .recover can salvage.
 */
import fs from 'node:fs'
import path from 'node:path'
import { OpenclawError } from '../errors.ts'

const COMPANIONS = ['-wal', '-shm', '-journal'] as const

/** `2026-11-22T03-05-12-123Z`: sortable and free of characters some filesystems reject. */
export function corruptStamp(now: number): string {
  return new Date(now).toISOString().replace(/[:.]/g, '-')
}

/**
 * Renames `<path>` to `<path>.corrupt-<stamp>` (suffixing -1, -2... on collision) and its
 * -wal/-shm/-journal to the names SQLite would look for next to the moved file.
 */
export function moveCorruptAside(path: string, now: number): string {
  const base = `${path}.corrupt-${corruptStamp(now)}`
  let aside = base
  for (let n = 1; fs.existsSync(aside); n++) aside = `${base}-${n}`
  fs.renameSync(path, aside)
  for (const suffix of COMPANIONS) {
    try {
      fs.renameSync(path + suffix, aside + suffix)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
  return aside
}

export function corruptStoreError(
  path: string,
  aside: string | { leftInPlace: string },
  cause: unknown,
): OpenclawError {
  const reason = cause instanceof Error ? cause.message : String(cause)
  const where =
    typeof aside === 'string'
      ? `moved aside to ${aside}; nothing was deleted`
      : `left in place (${aside.leftInPlace})`
  return new OpenclawError('store_corrupt', `Credential store ${path} is corrupt (${reason}); ${where}.`, {
    hint: 'run: openclaw doctor',
    details: { path, ...(typeof aside === 'string' ? { movedTo: aside } : {}) },
    cause,
  })
}

export interface CorruptAside {
  path: string
  /** When it was moved aside (from the name's stamp); undefined for a name we did not make. */
  movedAt: number | undefined
  bytes: number
}

/** `2026-11-22T03-05-12-123Z` (optionally `-<n>`) back to epoch ms. */
export function parseCorruptStamp(suffix: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z(?:-\d+)?$/.exec(suffix)
  if (!m) return undefined
  const t = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`)
  return Number.isFinite(t) ? t : undefined
}

/**
 * The `<store>.corrupt-*` files beside a store (their -wal/-shm/-journal companions are part of
 * each, not listed), oldest first. They hold the credentials the agent had before: they are
 * reported until the user deletes them, because nothing else ever will.
 */
export function listCorruptAside(storePath: string): CorruptAside[] {
  const dir = path.dirname(storePath)
  const prefix = `${path.basename(storePath)}.corrupt-`
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch {
    return []
  }
  const out: CorruptAside[] = []
  for (const name of names) {
    if (!name.startsWith(prefix) || COMPANIONS.some((s) => name.endsWith(s))) continue
    const full = path.join(dir, name)
    let bytes = 0
    try {
      const st = fs.statSync(full)
      if (!st.isFile()) continue
      bytes = st.size
    } catch {
      continue
    }
    out.push({ path: full, movedAt: parseCorruptStamp(name.slice(prefix.length)), bytes })
  }
  return out.sort((a, b) => (a.movedAt ?? 0) - (b.movedAt ?? 0) || (a.path < b.path ? -1 : 1))
}
