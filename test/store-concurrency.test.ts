/**
 * Several real processes against one store file (B-04, B-05): BEGIN IMMEDIATE + busy_timeout must
 * serialise them with no lost updates and no "database is locked" reaching the caller.
 * Workers import the compiled store from dist/ (built by the vitest global setup).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { CredentialStore } from '../src/store/credential-store.ts'
import { openRawDatabase } from '../src/store/db.ts'

const WORKERS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'workers')
// Typically ~1.5 s and ~10 s on 2 cores; the bound only stops a hung worker from hanging the suite.
const DEADLINE_MS = 45_000
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-store-conc-'))

afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }))

interface WorkerRun {
  child: ChildProcess
  ready: Promise<void>
  result: Promise<unknown>
}

function startWorker(script: string, args: string[]): WorkerRun {
  const child = spawn(process.execPath, [path.join(WORKERS, script), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  let onReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => {
    onReady = resolve
  })
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    if (stdout.includes('ready\n')) onReady()
  })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const result = new Promise<unknown>((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      const line = stdout.split('\n').find((l) => l.startsWith('result '))
      if (code !== 0 || line === undefined) {
        reject(new Error(`${script} exited ${code ?? signal}:\n${stderr}`))
        return
      }
      resolve(JSON.parse(line.slice('result '.length)))
    })
  })
  // A worker that died before "ready" must fail the test, not hang the barrier.
  void result.catch(() => onReady())
  return { child, ready, result }
}

/** Releases every worker at once, then waits for all of them within the deadline. */
async function runAll(runs: WorkerRun[]): Promise<unknown[]> {
  const timer = setTimeout(() => {
    for (const r of runs) r.child.kill('SIGKILL')
  }, DEADLINE_MS)
  try {
    await Promise.all(runs.map((r) => r.ready))
    for (const r of runs) r.child.stdin?.end('go\n')
    return await Promise.all(runs.map((r) => r.result))
  } finally {
    clearTimeout(timer)
  }
}

function integrity(dbPath: string): string {
  const raw = openRawDatabase(dbPath, { readonly: true })
  try {
    return String(raw.pragma('integrity_check', { simple: true }))
  } finally {
    raw.close()
  }
}

describe('store concurrency (multi-process)', () => {
  it('4 processes creating and writing one store lose no profile and no cooldown', async () => {
    const dbPath = path.join(tmpRoot, 'a', 'agent', 'openclaw-agent.sqlite')
    const runs = [0, 1, 2, 3].map((i) =>
      startWorker('store-write-profiles.mjs', [dbPath, String(i), '50', '4']),
    )
    const results = (await runAll(runs)) as { cooldowns: { profileId: string; model: string }[] }[]

    const store = CredentialStore.open(dbPath, { readonly: true })
    const profiles = store.listProfiles()
    expect(profiles).toHaveLength(200)
    for (let i = 0; i < 4; i++) {
      for (let n = 0; n < 50; n++) {
        expect(store.getProfile(`w${i}:p${n}`)?.credential).toEqual({
          type: 'api_key',
          provider: `w${i}`,
          key: `sk-${i}-${n}`,
        })
      }
    }
    const stored = new Set(
      [...store.listStates().values()].flatMap((s) => s.cooldowns.map((c) => `${c.profileId}|${c.model}`)),
    )
    const written = results.flatMap((r) => r.cooldowns.map((c) => `${c.profileId}|${c.model}`))
    expect(written).toHaveLength(200)
    expect(stored).toEqual(new Set(written))
    store.close()
    expect(integrity(dbPath)).toBe('ok')
  }, 60_000)

  // A brand-new store opened by several processes at once: one wins the first migration, the
  // others must see either nothing or the finished store (once a half-read probe refused it as
  // foreign, and a rollback-to-WAL switch lost SQLite's deadlock check with SQLITE_BUSY). Each
  // round has a small chance of hitting the window, so several rounds run.
  it('8 processes opening one new store at the same instant all succeed, round after round', async () => {
    for (let round = 0; round < 8; round++) {
      const dbPath = path.join(tmpRoot, `fresh-${round}`, 'agent', 'openclaw-agent.sqlite')
      const runs = Array.from({ length: 8 }, () =>
        startWorker('store-increment.mjs', [dbPath, 'openai:new', '1']),
      )
      const results = (await runAll(runs)) as { done: number; errors: string[] }[]
      expect(
        results.flatMap((r) => r.errors),
        `round ${round}`,
      ).toEqual([])
      const store = CredentialStore.open(dbPath, { readonly: true })
      expect(store.getState('openai:new').failureCounts).toEqual({ unknown: 8 })
      store.close()
    }
  }, 120_000)

  it('8 processes x 500 read-modify-write increments end at exactly 4000', async () => {
    const dbPath = path.join(tmpRoot, 'b', 'agent', 'openclaw-agent.sqlite')
    CredentialStore.open(dbPath).close()
    const runs = Array.from({ length: 8 }, () =>
      startWorker('store-increment.mjs', [dbPath, 'openai:hot', '500']),
    )
    const results = (await runAll(runs)) as { done: number; errors: string[] }[]

    expect(results.flatMap((r) => r.errors)).toEqual([])
    expect(results.reduce((sum, r) => sum + r.done, 0)).toBe(4000)
    const store = CredentialStore.open(dbPath, { readonly: true })
    expect(store.getState('openai:hot').failureCounts).toEqual({ unknown: 4000 })
    store.close()
    expect(integrity(dbPath)).toBe('ok')
  }, 60_000)
})
