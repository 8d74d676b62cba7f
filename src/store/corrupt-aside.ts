/**
 * A corrupt store is renamed, never deleted or recreated in place: the file may still hold the
 * only copy of a refresh token that doctor or sqlite3's .recover can salvage.
 */
import fs from 'node:fs'
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
