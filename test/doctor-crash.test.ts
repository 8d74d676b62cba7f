/**
 * Crash safety of `doctor --fix`: a worker runs the migrations and reports each durable step
 * ("after-move-aside", "after-import", "after-verify", "before-archive") over IPC; the test
 * SIGKILLs it at every single marker in turn, reruns `openclaw doctor --fix`, and checks that
 * the end state equals an uninterrupted run: every credential, order and usage window present
 * exactly once, every source archived exactly once, nothing pending, nothing lost.
 */
import { fork } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CredentialStore } from '../src/store/credential-store.ts'
import { writeFixture, writeOpenclawStore } from './fixtures/legacy/load.ts'
import { canary, expectNoCanary, makeTempHome, ROOT, type TempHome } from './support/cli.ts'

const WORKER = path.join(ROOT, 'test', 'workers', 'doctor-migrate-worker.mjs')

const SECRETS = {
  KEY_ANTHROPIC: canary('sk-ant-api03-'),
  TOKEN_ANTHROPIC: canary('sk-ant-oat01-'),
  KEY_OPENAI: canary('sk-proj-'),
  KEY_OPENROUTER: canary('sk-or-v1-'),
}
const OC_KEY = canary('sk-ant-api03-')
const OC_ACCESS = canary('eyJoc')
const OC_REFRESH = canary('rt-oc-')

/** main: an OpenClaw store at the store path + a flat auth.json; agent work: auth-profiles.json. */
function setup(): TempHome {
  const t = makeTempHome()
  const mainDir = path.join(t.stateDir, 'agents', 'main', 'agent')
  writeOpenclawStore(
    path.join(mainDir, 'openclaw-agent.sqlite'),
    {
      version: 1,
      profiles: {
        'anthropic:oc': { type: 'api_key', provider: 'anthropic', key: OC_KEY },
        'openai-codex:oc': {
          type: 'oauth',
          provider: 'openai-codex',
          access: OC_ACCESS,
          refresh: OC_REFRESH,
          expires: 4102444800000,
        },
      },
    },
    { order: { anthropic: ['anthropic:oc'] }, usageStats: { 'anthropic:oc': { lastUsed: 1767225600000 } } },
  )
  writeFixture('auth.flat.json', path.join(mainDir, 'auth.json'), SECRETS)
  writeFixture(
    'auth-profiles.v1.json',
    path.join(t.stateDir, 'agents', 'work', 'agent', 'auth-profiles.json'),
    SECRETS,
  )
  return t
}

interface WorkerRun {
  markers: string[]
  killed: boolean
}

/** Runs the worker; kills it at marker number `killAt` (0-based), or lets it finish. */
function runWorker(t: TempHome, killAt?: number): Promise<WorkerRun> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [], {
      env: { ...t.env, OPENCLAW_GATEWAY_PORT: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    })
    const markers: string[] = []
    let stderr = ''
    child.stderr?.on('data', (d) => {
      stderr += d
    })
    child.on('message', (m: { marker?: string; source?: string }) => {
      if (!m.marker) return
      markers.push(`${m.marker} ${path.basename(m.source ?? '').replace(/\d{4}-\d\d-\d\dT[\d-]+Z/, '<ts>')}`)
      if (killAt !== undefined && markers.length - 1 === killAt) child.kill('SIGKILL')
      else child.send('continue')
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') return resolve({ markers, killed: true })
      if (code !== 0) return reject(new Error(`worker exited ${code}: ${stderr}`))
      resolve({ markers, killed: false })
    })
  })
}

/**
 * Legacy windows are clamped relative to the import (src/migrate/clamp-window.ts), so their ends
 * depend on when the import ran: a value inside [from, to] (+ the ladder maximum) is replaced
 * by a marker, anything else stays as it is and must match exactly.
 */
function normaliseTimes(value: unknown, from: number, to: number): unknown {
  const MAXES: Array<[number, string]> = [
    [0, '<import time>'],
    [5 * 60_000, '<import + 5m>'],
    [60 * 60_000, '<import + 60m>'],
    [24 * 3_600_000, '<import + 24h>'],
  ]
  if (typeof value === 'number') {
    for (const [ms, mark] of MAXES) if (value >= from + ms && value <= to + ms) return mark
    return value
  }
  if (Array.isArray(value)) return value.map((v) => normaliseTimes(v, from, to))
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normaliseTimes(v, from, to)]))
  return value
}

function endState(t: TempHome, from: number, to: number) {
  const agents = ['main', 'work']
  const out: Record<string, unknown> = {}
  for (const id of agents) {
    const store = CredentialStore.open(t.storePath(id), { readonly: true })
    try {
      const snap = store.snapshot()
      out[id] = {
        profiles: snap.profiles.map((p) => ({ id: p.id, credential: p.credential })),
        states: normaliseTimes([...snap.states.entries()], from, to),
        order: snap.orderOverrides,
        lastGood: snap.lastGood,
      }
    } finally {
      store.close()
    }
    const dir = path.join(t.stateDir, 'agents', id, 'agent')
    // Archive names carry a timestamp; what matters is which sources ended up archived, once.
    out[`${id}-files`] = fs
      .readdirSync(dir)
      .filter((f) => !/-(wal|shm)$/.test(f))
      .map((f) => f.replace(/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z(-\d+)?/, '<ts>'))
      .sort()
  }
  return out
}

describe('doctor --fix crash safety', () => {
  it('killed at every marker, a rerun ends in the same state as an uninterrupted run', async () => {
    const reference = setup()
    const refStart = Date.now()
    const full = await runWorker(reference)
    const refEnd = Date.now()
    expect(full.killed).toBe(false)
    expect(full.markers).toEqual([
      'after-move-aside openclaw-agent.sqlite.migrating-<ts>',
      'after-import openclaw-agent.sqlite.migrating-<ts>',
      'after-verify openclaw-agent.sqlite.migrating-<ts>',
      'before-archive openclaw-agent.sqlite.migrating-<ts>',
      'after-import auth.json',
      'after-verify auth.json',
      'before-archive auth.json',
      'after-import auth-profiles.json',
      'after-verify auth-profiles.json',
      'before-archive auth-profiles.json',
    ])
    const expected = endState(reference, refStart, refEnd)
    expect((expected.main as { profiles: Array<{ id: string }> }).profiles.map((p) => p.id)).toEqual([
      'anthropic:oc',
      'openai:oc',
      'openrouter:default',
    ])
    expect(expected['main-files']).toEqual([
      'auth.json.legacy-flat.<ts>.bak',
      'openclaw-agent.sqlite',
      'openclaw-agent.sqlite.migrated-<ts>',
    ])
    expect(expected['work-files']).toEqual(['auth-profiles.json.migrated-<ts>', 'openclaw-agent.sqlite'])

    for (let killAt = 0; killAt < full.markers.length; killAt++) {
      const t = setup()
      const start = Date.now()
      const crashed = await runWorker(t, killAt)
      expect(crashed.killed, `kill at ${full.markers[killAt]}`).toBe(true)
      const rerun = await t.run(['doctor', '--fix', '--json'], { env: { OPENCLAW_GATEWAY_PORT: '1' } })
      expect(rerun.code, `rerun after kill at ${full.markers[killAt]}: ${rerun.stderr}`).toBe(0)
      expect(endState(t, start, Date.now()), `state after kill at ${full.markers[killAt]}`).toEqual(expected)
      // A third run finds nothing left to do.
      const third = await t.run(['doctor', '--fix', '--json'], { env: { OPENCLAW_GATEWAY_PORT: '1' } })
      expect(JSON.parse(third.stdout).migrations).toEqual([])
      expectNoCanary(
        [rerun.stdout, rerun.stderr, third.stdout],
        [...Object.values(SECRETS), OC_KEY, OC_ACCESS, OC_REFRESH],
      )
    }
  }, 120_000)

  it('while a kill left the OpenClaw store aside and nothing imported, the agent fails closed', async () => {
    const t = setup()
    const crashed = await runWorker(t, 0)
    expect(crashed.markers[0]).toMatch(/^after-move-aside /)
    const status = await t.run(['models', 'status', '--check'], {
      env: { ANTHROPIC_API_KEY: canary('sk-ant-api03-') },
    })
    expect(status.code).toBe(1)
    expect(status.stderr).toContain('AUTH_PROFILE_MIGRATION_REQUIRED')
  })
})
