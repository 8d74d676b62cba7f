/**
 * Archiving a migrated source: a rename in the same directory (atomic), never a delete, so
 * the original bytes stay available for manual recovery. Names follow OpenClaw's
 * (auth-spec 1.10): `<file>.migrated-<stamp>` and, for the flat form, `<file>.legacy-flat.<stamp>.bak`.
 */
import fs from 'node:fs'
import path from 'node:path'

const SQLITE_COMPANIONS = ['-wal', '-shm', '-journal'] as const

/** `2026-11-22T03-05-12-123Z`: sortable and safe on every filesystem. */
export function archiveStamp(now: number): string {
  return new Date(now).toISOString().replace(/[:.]/g, '-')
}

export function archiveName(
  file: string,
  style: 'migrated' | 'legacy-flat' | 'migrating',
  now: number,
): string {
  const stamp = archiveStamp(now)
  const base = style === 'legacy-flat' ? `${file}.legacy-flat.${stamp}.bak` : `${file}.${style}-${stamp}`
  let name = base
  for (let n = 1; fs.existsSync(name); n++)
    name = style === 'legacy-flat' ? base.replace(/\.bak$/, `-${n}.bak`) : `${base}-${n}`
  return name
}

/** Renames `file` (and, for SQLite files, its -wal/-shm/-journal) to `target`. */
export function renameWithCompanions(file: string, target: string, sqlite: boolean): void {
  fs.renameSync(file, target)
  if (sqlite) {
    for (const suffix of SQLITE_COMPANIONS) {
      try {
        fs.renameSync(file + suffix, target + suffix)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      }
    }
  }
  fsyncDir(path.dirname(target))
}

export function archiveFile(
  file: string,
  style: 'migrated' | 'legacy-flat',
  now: number,
  sqlite = false,
): string {
  const target = archiveName(file, style, now)
  renameWithCompanions(file, target, sqlite)
  return target
}

/** Makes the rename itself durable before the caller reports success. */
function fsyncDir(dir: string): void {
  let fd: number | undefined
  try {
    fd = fs.openSync(dir, 'r')
    fs.fsyncSync(fd)
  } catch {
    // Some filesystems refuse fsync on directories; the rename has still happened.
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
}
