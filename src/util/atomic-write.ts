/**
 * Crash-safe file replacement (the Docker `ConfigFile.Save` shape): write a private temp file
 * in the target's directory, fsync it, rename it over the target, fsync the directory. A reader
 * sees the old file or the new one, never a truncated mix (the go-gh / hermes-agent bug class).
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

export interface AtomicWriteOptions {
  mode?: number
}

const MAX_LINK_HOPS = 32

/**
 * Where a write to `file` must land. A symlinked config is written through to its target
 * (dangling links included) so a user's dotfiles link survives instead of being replaced by a
 * regular file; OpenClaw's refusal of symlinks in its atomic writer was reported as a bug (#90575).
 */
export function resolveWriteTarget(file: string): string {
  let current = path.resolve(file)
  for (let hop = 0; hop < MAX_LINK_HOPS; hop++) {
    let st: fs.Stats
    try {
      st = fs.lstatSync(current)
    } catch {
      return current
    }
    if (!st.isSymbolicLink()) return current
    current = path.resolve(path.dirname(current), fs.readlinkSync(current))
  }
  const err = new Error(`too many levels of symbolic links: ${file}`) as NodeJS.ErrnoException
  err.code = 'ELOOP'
  throw err
}

export function writeFileAtomic(file: string, data: string | Buffer, opts: AtomicWriteOptions = {}): void {
  const mode = opts.mode ?? 0o600
  const target = resolveWriteTarget(file)
  const dir = path.dirname(target)
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  const { O_WRONLY, O_CREAT, O_EXCL } = fs.constants
  const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0
  let fd: number | undefined
  try {
    fd = fs.openSync(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode)
    // The umask may have removed bits from `mode`; set exactly what was asked for.
    fs.fchmodSync(fd, mode)
    fs.writeFileSync(fd, data)
    fs.fsyncSync(fd)
    fs.closeSync(fd)
    fd = undefined
    fs.renameSync(tmp, target)
  } catch (err) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd)
      } catch {
        // already failing; the original error is the one worth reporting
      }
    }
    try {
      fs.unlinkSync(tmp)
    } catch {
      // the temp file may never have been created
    }
    throw err
  }
  fsyncDir(dir)
}

/** Makes the rename itself durable. Some filesystems cannot fsync a directory; the data is safe anyway. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined
  try {
    fd = fs.openSync(dir, fs.constants.O_RDONLY)
    fs.fsyncSync(fd)
  } catch {
    // EINVAL/EISDIR/EPERM on exotic filesystems; nothing better to do
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
}
