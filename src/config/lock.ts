/**
 * A small cross-process exclusive lock file for read-modify-write of openclaw.json. Created with
 * O_EXCL; it records pid, host and a nonce so a crashed holder can be recognised (dead pid on
 * this host, or older than `staleMs`) and so a release never deletes somebody else's lock.
 * Waiting is synchronous and bounded: config edits are short and the CLI is synchronous there.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import { EXIT, OpenclawError } from '../errors.ts'

export interface LockOptions {
  /** A lock older than this is considered abandoned. */
  staleMs?: number
  /** How long to wait for a live holder before giving up. */
  timeoutMs?: number
  pollMs?: number
  /** What is being locked, for the error message (e.g. the config path). */
  label?: string
}

interface LockInfo {
  pid: number
  host: string
  createdAt: number
  nonce: string
}

export interface HeldLock {
  path: string
  release(): void
}

const held = new Set<string>()
const sleeper = new Int32Array(new SharedArrayBuffer(4))

function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms)
}

function readInfo(lockPath: string): { info: Partial<LockInfo>; mtimeMs: number } | undefined {
  try {
    const mtimeMs = fs.statSync(lockPath).mtimeMs
    let info: Partial<LockInfo> = {}
    try {
      info = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as Partial<LockInfo>
    } catch {
      // being written right now, or garbage: judged by its age alone
    }
    return { info, mtimeMs }
  } catch {
    return undefined
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: the pid exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function isStale(lockPath: string, info: Partial<LockInfo>, mtimeMs: number, staleMs: number): boolean {
  const createdAt = typeof info.createdAt === 'number' ? info.createdAt : mtimeMs
  if (Date.now() - createdAt > staleMs) return true
  if (typeof info.pid !== 'number' || info.host !== os.hostname()) return false
  // Our own pid but not held by us: left behind by an earlier process that had the same pid.
  if (info.pid === process.pid) return !held.has(lockPath)
  return !pidAlive(info.pid)
}

/**
 * Removes an abandoned lock only if it is still the one judged stale: rename it aside first
 * (atomic), then compare nonces, so two waiters cannot both "break" a freshly taken lock.
 */
function breakStale(lockPath: string, seen: Partial<LockInfo>): void {
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`
  try {
    fs.renameSync(lockPath, aside)
  } catch {
    return
  }
  let now: Partial<LockInfo> = {}
  try {
    now = JSON.parse(fs.readFileSync(aside, 'utf8')) as Partial<LockInfo>
  } catch {
    // unreadable: it was the garbage we judged by age
  }
  if (now.nonce !== undefined && now.nonce !== seen.nonce) {
    // Lost a race with a fresh holder: put its lock back unless yet another one appeared.
    try {
      fs.linkSync(aside, lockPath)
    } catch {
      // someone else holds a new lock now; the displaced holder's release is a no-op
    }
  }
  try {
    fs.unlinkSync(aside)
  } catch {
    // already gone
  }
}

export function acquireLock(lockPath: string, opts: LockOptions = {}): HeldLock {
  const staleMs = opts.staleMs ?? 30_000
  const timeoutMs = opts.timeoutMs ?? 5_000
  const pollMs = opts.pollMs ?? 25
  const deadline = Date.now() + timeoutMs
  const info: LockInfo = {
    pid: process.pid,
    host: os.hostname(),
    createdAt: Date.now(),
    nonce: randomBytes(8).toString('hex'),
  }
  let holder: Partial<LockInfo> = {}
  for (;;) {
    try {
      const fd = fs.openSync(lockPath, 'wx', 0o600)
      try {
        info.createdAt = Date.now()
        fs.writeFileSync(fd, JSON.stringify(info))
      } finally {
        fs.closeSync(fd)
      }
      held.add(lockPath)
      return { path: lockPath, release: () => release(lockPath, info.nonce) }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new OpenclawError(
          'config_write_failed',
          `Cannot create lock file ${lockPath}: ${(err as Error).message}`,
          {
            details: { lockPath },
            cause: err,
          },
        )
      }
    }
    const current = readInfo(lockPath)
    if (current === undefined) continue
    holder = current.info
    if (held.has(lockPath) && current.info.pid === process.pid) {
      // Waiting would only time out: the holder is this very process (a nested update).
      throw new OpenclawError(
        'internal',
        `lock ${lockPath} is already held by this process (nested config update)`,
      )
    }
    if (isStale(lockPath, current.info, current.mtimeMs, staleMs)) {
      breakStale(lockPath, current.info)
      continue
    }
    if (Date.now() >= deadline) break
    // Jitter keeps two waiters from polling in lock-step behind the same holder.
    sleepSync(pollMs + Math.floor(Math.random() * pollMs))
  }
  const label = opts.label ?? lockPath
  const pid = typeof holder.pid === 'number' ? holder.pid : 'unknown'
  throw new OpenclawError(
    'config_write_failed',
    `config ${label} is locked by another openclaw process (pid ${pid}); waited ${Math.round(timeoutMs / 1000)} s`,
    {
      hint: `Retry when that command has finished. If no openclaw process is running, remove ${lockPath}.`,
      retryable: true,
      exitCode: EXIT.tempFail,
      details: { lockPath, pid },
    },
  )
}

function release(lockPath: string, nonce: string): void {
  held.delete(lockPath)
  try {
    const info = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as Partial<LockInfo>
    if (info.nonce === nonce) fs.unlinkSync(lockPath)
  } catch {
    // already removed (e.g. broken as stale after a very long hold)
  }
}

export function withLock<T>(lockPath: string, fn: () => T, opts: LockOptions = {}): T {
  const lock = acquireLock(lockPath, opts)
  try {
    return fn()
  } finally {
    lock.release()
  }
}
