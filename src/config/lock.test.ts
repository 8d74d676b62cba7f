import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { OpenclawError } from '../errors.ts'
import { acquireLock, withLock } from './lock.ts'

function tmpLock(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'oc-lock-')), 'openclaw.json.lock')
}

/** A pid that certainly no longer exists: a child we started and waited for. */
function deadPid(): number {
  const res = spawnSync(process.execPath, ['-e', '0'])
  return res.pid ?? 999_999
}

describe('config lock', () => {
  it('creates the lock file 0600 with pid and timestamp, removes it on release', () => {
    const lockPath = tmpLock()
    const seen = withLock(lockPath, () => {
      const info = JSON.parse(fs.readFileSync(lockPath, 'utf8'))
      expect(fs.statSync(lockPath).mode & 0o777).toBe(0o600)
      return info
    })
    expect(seen.pid).toBe(process.pid)
    expect(typeof seen.createdAt).toBe('number')
    expect(fs.existsSync(lockPath)).toBe(false)
  })

  it('releases the lock when the callback throws', () => {
    const lockPath = tmpLock()
    expect(() =>
      withLock(lockPath, () => {
        throw new Error('boom')
      }),
    ).toThrow('boom')
    expect(fs.existsSync(lockPath)).toBe(false)
  })

  it('times out with config_write_failed naming the holder pid', async () => {
    const lockPath = tmpLock()
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' })
    try {
      fs.writeFileSync(
        lockPath,
        JSON.stringify({ pid: holder.pid, host: os.hostname(), createdAt: Date.now(), nonce: 'x' }),
      )
      const started = Date.now()
      let caught: unknown
      try {
        acquireLock(lockPath, { timeoutMs: 300, label: '/cfg/openclaw.json' })
      } catch (err) {
        caught = err
      }
      expect(Date.now() - started).toBeLessThan(3000)
      expect(OpenclawError.isInstance(caught)).toBe(true)
      const e = caught as OpenclawError
      expect(e.code).toBe('config_write_failed')
      expect(e.message).toContain(
        `config /cfg/openclaw.json is locked by another openclaw process (pid ${holder.pid})`,
      )
      expect(e.retryable).toBe(true)
      expect(fs.existsSync(lockPath)).toBe(true)
    } finally {
      holder.kill('SIGKILL')
    }
  })

  it('takes over a lock whose holder pid is dead', () => {
    const lockPath = tmpLock()
    fs.writeFileSync(
      lockPath,
      JSON.stringify({ pid: deadPid(), host: os.hostname(), createdAt: Date.now(), nonce: 'a' }),
    )
    const lock = acquireLock(lockPath, { timeoutMs: 200 })
    expect(JSON.parse(fs.readFileSync(lockPath, 'utf8')).pid).toBe(process.pid)
    lock.release()
    expect(fs.readdirSync(path.dirname(lockPath))).toEqual([])
  })

  it('takes over a lock older than staleMs even if the pid is alive', () => {
    const lockPath = tmpLock()
    fs.writeFileSync(
      lockPath,
      JSON.stringify({ pid: process.ppid, host: os.hostname(), createdAt: Date.now() - 60_000 }),
    )
    const lock = acquireLock(lockPath, { timeoutMs: 200, staleMs: 30_000 })
    lock.release()
  })

  it('an unparsable lock file is judged by its mtime', () => {
    const lockPath = tmpLock()
    fs.writeFileSync(lockPath, 'garbage')
    expect(() => acquireLock(lockPath, { timeoutMs: 100 })).toThrow(/pid unknown/)
    const old = new Date(Date.now() - 120_000)
    fs.utimesSync(lockPath, old, old)
    acquireLock(lockPath, { timeoutMs: 100 }).release()
  })

  it('a nested acquire in the same process fails at once instead of waiting', () => {
    const lockPath = tmpLock()
    const started = Date.now()
    expect(() => withLock(lockPath, () => withLock(lockPath, () => 1))).toThrow(
      /already held by this process/,
    )
    expect(Date.now() - started).toBeLessThan(1000)
    expect(fs.existsSync(lockPath)).toBe(false)
  })

  it('release never removes a lock that is no longer ours', () => {
    const lockPath = tmpLock()
    const lock = acquireLock(lockPath)
    fs.writeFileSync(
      lockPath,
      JSON.stringify({ pid: 1, host: os.hostname(), createdAt: Date.now(), nonce: 'other' }),
    )
    lock.release()
    expect(fs.existsSync(lockPath)).toBe(true)
  })
})
