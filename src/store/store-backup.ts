/**
 * B-10: a consistent copy of a live store (SQLite's online backup API), verified and fsync-ed.
 * Beside db.ts, the one module that opens SQLite files, whose driver constructor it uses.
 */
import fs from 'node:fs'
import nodePath from 'node:path'
import { OpenclawError } from '../errors.ts'
import { PRIVATE_FILE_MODE } from '../util/fs-private.ts'
import { newDatabase, openDatabase } from './db.ts'
import { toStoreError } from './sqlite-errors.ts'

export interface BackupProgress {
  totalPages: number
  remainingPages: number
}

export interface StoreBackupResult {
  /** Profiles in the copy, counted by reading it back. */
  profiles: number
  bytes: number
}

/**
 * B-10: a consistent copy of a live store through SQLite's online backup API, which reads
 * through SQLite (so commits still in the WAL are included, unlike a `cp` of the file) under a
 * read lock per step and restarts by itself when another connection writes in between. `dest`
 * is created here, 0600 and exclusively (an existing file is never overwritten); the copy is
 * switched to a rollback journal (readable without a -shm, e.g. from a read-only medium),
 * checked with integrity_check, and fsync-ed before this returns. On failure `dest` is removed.
 * Making the copy visible (rename) is the caller's step.
 */
export async function backupStore(
  srcPath: string,
  destPath: string,
  opts: { onProgress?: (p: BackupProgress) => void; stepPages?: number } = {},
): Promise<StoreBackupResult> {
  const src = openDatabase(srcPath, { readonly: true })
  let created = false
  try {
    // A read-only open of a WAL store in an unwritable dir reads a private copy of the main file
    // alone: commits still in its WAL would be missing from the backup.
    if (src.memory && fileSize(`${srcPath}-wal`) > 0) {
      throw new OpenclawError(
        'store_readonly',
        `Cannot back up ${srcPath}: its directory is not writable, so SQLite cannot read the commits still in ${srcPath}-wal.`,
        { hint: `make ${nodePath.dirname(srcPath)} writable for this user, or run the backup as its owner` },
      )
    }
    fs.closeSync(
      fs.openSync(
        destPath,
        fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0),
        PRIVATE_FILE_MODE,
      ),
    )
    created = true
    const step = opts.stepPages ?? 1024
    await src.backup(destPath, {
      progress: (p) => {
        opts.onProgress?.(p)
        return step
      },
    })
    const profiles = verifyCopy(destPath)
    fsyncFile(destPath)
    return { profiles, bytes: fileSize(destPath) }
  } catch (err) {
    if (created) {
      for (const f of [destPath, `${destPath}-journal`]) fs.rmSync(f, { force: true })
    }
    throw toStoreError(err, { path: srcPath, readonly: true })
  } finally {
    src.close()
  }
}

/** The copy must read back whole; returns its profile count. */
function verifyCopy(path: string): number {
  const db = newDatabase(path, { fileMustExist: true })
  try {
    db.pragma('journal_mode = DELETE')
    const integrity = String(db.pragma('integrity_check', { simple: true }))
    if (integrity !== 'ok') {
      throw new OpenclawError(
        'store_corrupt',
        `The backup copy ${path} failed integrity_check (${integrity}).`,
        {
          hint: 'run: openclaw doctor, then back up again',
        },
      )
    }
    return (db.prepare('SELECT count(*) AS n FROM auth_profiles').get() as { n: number }).n
  } finally {
    db.close()
  }
}

function fsyncFile(path: string): void {
  const fd = fs.openSync(path, fs.constants.O_RDONLY)
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

function fileSize(path: string): number {
  try {
    return fs.statSync(path).size
  } catch {
    return 0
  }
}
