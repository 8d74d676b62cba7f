/**
 * Bounded load test of the real gateway process (`openclaw gateway`, a child process so its
 * memory is its own): 1,000 requests, 100 at a time, a quarter each of OpenAI and Anthropic
 * format, streaming and not, against a mock Anthropic upstream where 30% of answers are 429 or
 * 529 (seeded per-key queues). Pass: every request ends in time with a success or a clear error
 * (429 / 503 with a JSON error body in the client's format), never a 5xx of the gateway's own;
 * the heap after a forced GC returns near its idle level; the store passes integrity_check and
 * holds exactly one cooldown row per upstream failure (nothing lost).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CredentialStore } from '../../src/store/credential-store.ts'
import { openRawDatabase } from '../../src/store/db.ts'
import { canary, makeTempHome, recordArtifact, type TempHome } from '../support/cli.ts'
import { captureClientResponses, providerConfig } from '../support/gateway-harness.ts'
import { type Behavior, type MockProvider, startMockProvider } from '../support/mock-provider/index.ts'
import { testSeed } from './harness/seed.ts'
import { BIN } from './harness/workers.ts'

const TOTAL = 1000
const CONCURRENCY = 100
const FAILURE_SHARE = Number(process.env.LOAD_FAILURE_SHARE ?? 0.3)
const PROBE = pathToFileURL(new URL('./harness/gateway-probe.mjs', import.meta.url).pathname).href

interface Mem {
  heapUsed: number
  rss: number
  gc: boolean
}

interface Outcome {
  i: number
  status: number
  ms: number
  ok: boolean
  kind: 'success' | 'clear-error' | 'bad'
  why?: string
}

let mock: MockProvider
let t: TempHome
let gateway: ChildProcess
let url: string
let stderr = ''
let memSeq = 0

function vmRss(pid: number): number {
  const line = fs
    .readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) * 1024
}

/** utime + stime of a process, in ms (clock ticks are 10 ms on Linux). */
function cpuMs(pid: number): number {
  const fields = (fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

function memory(): Promise<Mem> {
  const id = ++memSeq
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('gateway did not answer the memory probe')), 10_000)
    const onMessage = (m: { type?: string; id?: number } & Mem) => {
      if (m?.type !== 'mem' || m.id !== id) return
      clearTimeout(timer)
      gateway.off('message', onMessage)
      resolve(m)
    }
    gateway.on('message', onMessage)
    gateway.send({ type: 'mem', id })
  })
}

function queue(rng: ReturnType<typeof testSeed>, length: number): Behavior[] {
  const fails = Math.round(length * FAILURE_SHARE)
  const q: Behavior[] = Array.from({ length }, (_, i) =>
    i < fails / 2
      ? { kind: 'rate_limit', retryAfterSeconds: 1 }
      : i < fails
        ? { kind: 'overloaded' }
        : { kind: 'ok' },
  )
  for (let i = q.length - 1; i > 0; i--) {
    const j = rng.int(0, i)
    ;[q[i], q[j]] = [q[j] as Behavior, q[i] as Behavior]
  }
  return [...q, { kind: 'ok' }]
}

function requestFor(i: number): {
  path: string
  headers: Record<string, string>
  body: unknown
  stream: boolean
  api: 'openai' | 'anthropic'
} {
  const api = i % 2 === 0 ? 'openai' : 'anthropic'
  const stream = i % 4 >= 2
  const model = `anthropic/claude-load-${i}`
  const messages = [{ role: 'user', content: `request ${i}` }]
  return api === 'openai'
    ? { api, stream, path: '/v1/chat/completions', headers: {}, body: { model, messages, stream } }
    : {
        api,
        stream,
        path: '/v1/messages',
        headers: { 'anthropic-version': '2023-06-01' },
        body: { model, max_tokens: 32, messages, stream },
      }
}

async function one(i: number): Promise<Outcome> {
  const r = requestFor(i)
  const started = performance.now()
  let status = 0
  let text = ''
  try {
    const res = await fetch(`${url}${r.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...r.headers },
      body: JSON.stringify(r.body),
      signal: AbortSignal.timeout(30_000),
    })
    status = res.status
    text = await res.text()
  } catch (err) {
    return {
      i,
      status,
      ms: performance.now() - started,
      ok: false,
      kind: 'bad',
      why: `no response: ${(err as Error).message}`,
    }
  }
  const ms = performance.now() - started
  const bad = (why: string): Outcome => ({
    i,
    status,
    ms,
    ok: false,
    kind: 'bad',
    why: `${why}: ${text.slice(0, 200)}`,
  })
  if (status === 200) {
    if (r.stream) {
      const done = r.api === 'openai' ? text.includes('data: [DONE]') : text.includes('event: message_stop')
      return done ? { i, status, ms, ok: true, kind: 'success' } : bad('stream did not finish')
    }
    const body = JSON.parse(text)
    const content = r.api === 'openai' ? body.choices?.[0]?.message?.content : body.content?.[0]?.text
    return typeof content === 'string' && content.length > 0
      ? { i, status, ms, ok: true, kind: 'success' }
      : bad('no content')
  }
  if (status === 429 || status === 503) {
    let body: {
      error?: { message?: string; type?: string; code?: string }
      type?: string
      openclaw?: { kind?: string }
    }
    try {
      body = JSON.parse(text)
    } catch {
      return bad('error body is not JSON')
    }
    const message = body.error?.message ?? ''
    if (!message.includes(`All credentials for anthropic/claude-load-${i} failed`))
      return bad('unclear error message')
    if (r.api === 'anthropic' && body.type !== 'error') return bad('not an Anthropic error shape')
    if (status === 503 && body.openclaw?.kind !== 'overloaded') return bad('503 that is not "overloaded"')
    return { i, status, ms, ok: true, kind: 'clear-error' }
  }
  return bad(`unexpected status ${status}`)
}

beforeAll(async () => {
  mock = await startMockProvider()
  t = makeTempHome()
  t.writeConfig({ models: { providers: providerConfig(mock) } })
  const store = CredentialStore.open(t.storePath())
  for (const name of ['a', 'b', 'c']) {
    store.upsertProfile(`anthropic:${name}`, {
      type: 'api_key',
      provider: 'anthropic',
      key: canary('sk-ant-api03-'),
    })
  }
  store.close()
  gateway = spawn(process.execPath, ['--expose-gc', '--import', PROBE, BIN, 'gateway', '--port', '0'], {
    env: t.env,
    cwd: t.home,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${stderr}`)), 15_000)
    gateway.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)
      if (m) {
        clearTimeout(timer)
        resolve(m[1] as string)
      }
    })
    gateway.on('exit', (code) => reject(new Error(`gateway exited early (${code}): ${stderr}`)))
  })
  captureClientResponses(url)
})

afterAll(async () => {
  if (gateway.exitCode === null && gateway.signalCode === null) gateway.kill('SIGKILL')
  recordArtifact('gateway-load-stderr', { stderr })
  await mock.close()
})

describe('gateway under load with a flaky upstream', () => {
  it('1,000 requests, 100 concurrent, 30% upstream 429/529: all end clearly, memory settles, store intact', async () => {
    const rng = testSeed('gateway-load')
    const store = CredentialStore.open(t.storePath(), { readonly: true })
    const keys = store.listProfiles().map((p) => (p.credential as { key: string }).key)
    store.close()

    // Warm-up (JIT, connection pool, first store snapshot), then the idle baseline.
    mock.setDefault({ kind: 'ok' })
    for (let i = 0; i < 40; i++) await one(TOTAL + i)
    const idle = await memory()
    const idleRss = vmRss(gateway.pid as number)
    mock.requests.length = 0
    for (const k of keys) mock.setBehavior(k, queue(rng, 1500))

    const cpu0 = cpuMs(gateway.pid as number)
    const started = performance.now()
    let next = 0
    const outcomes: Outcome[] = []
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < TOTAL) {
          const i = next++
          outcomes.push(await one(i))
        }
      }),
    )
    const elapsed = performance.now() - started
    const gatewayCpuMs = cpuMs(gateway.pid as number) - cpu0
    const peakRss = vmRss(gateway.pid as number)
    const after = await memory()
    const afterRss = vmRss(gateway.pid as number)

    const upstream = mock.requests.filter((r) => r.path === '/v1/messages')
    const upstreamFailures = upstream.filter((r) => r.status === 429 || r.status === 529).length
    const bad = outcomes.filter((o) => o.kind === 'bad')
    const byStatus: Record<number, number> = {}
    for (const o of outcomes) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1
    const ms = outcomes.map((o) => o.ms).sort((a, b) => a - b)
    const pct = (p: number) => Math.round(ms[Math.min(ms.length - 1, Math.floor((p / 100) * ms.length))] ?? 0)
    const summary = {
      requests: outcomes.length,
      seconds: +(elapsed / 1000).toFixed(2),
      perSecond: Math.round(outcomes.length / (elapsed / 1000)),
      gatewayCpuMsPerRequest: +(gatewayCpuMs / outcomes.length).toFixed(2),
      byStatus,
      upstreamCalls: upstream.length,
      upstreamFailureShare: +(upstreamFailures / upstream.length).toFixed(3),
      latencyMs: { p50: pct(50), p95: pct(95), p99: pct(99), max: Math.round(ms.at(-1) ?? 0) },
      heapMB: { idle: +(idle.heapUsed / 1e6).toFixed(1), after: +(after.heapUsed / 1e6).toFixed(1) },
      rssMB: {
        idle: +(idleRss / 1e6).toFixed(1),
        peak: +(peakRss / 1e6).toFixed(1),
        after: +(afterRss / 1e6).toFixed(1),
      },
    }
    console.log(`gateway load: ${JSON.stringify(summary)} seed ${rng.seed}`)

    expect(outcomes).toHaveLength(TOTAL)
    expect(bad.slice(0, 5), `${bad.length} requests without a clear outcome`).toEqual([])
    expect(
      Object.keys(byStatus)
        .map(Number)
        .every((s) => [200, 429, 503].includes(s)),
    ).toBe(true)
    expect(summary.upstreamFailureShare).toBeGreaterThan(0.2)
    expect(summary.upstreamFailureShare).toBeLessThan(0.4)
    expect(byStatus[200]).toBeGreaterThan(TOTAL * 0.9)
    expect(elapsed).toBeLessThan(45_000)
    // Memory: the probe forced a full GC both times (node --expose-gc in the gateway process).
    expect(idle.gc && after.gc).toBe(true)
    expect(after.heapUsed - idle.heapUsed).toBeLessThan(8 * 1024 * 1024)
    expect(afterRss - idleRss).toBeLessThan(96 * 1024 * 1024)

    // Graceful stop (flushes bookkeeping), then the store: healthy and nothing lost.
    const exited = new Promise<number | null>((resolve) => gateway.once('exit', (code) => resolve(code)))
    gateway.kill('SIGTERM')
    expect(await exited).toBe(0)
    const raw = openRawDatabase(t.storePath(), { readonly: true })
    try {
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok')
      const rows = raw
        .prepare("SELECT count(*) AS n FROM cooldowns WHERE model LIKE 'claude-load-%'")
        .get() as { n: number }
      // Models are unique per request, so each upstream failure is its own (profile, model) row.
      expect(rows.n).toBe(upstreamFailures)
    } finally {
      raw.close()
    }
    const reopened = CredentialStore.open(t.storePath(), { readonly: true })
    expect(reopened.listProfiles().map((p) => (p.credential as { key: string }).key)).toEqual(keys)
    reopened.close()
    expect(stderr).not.toMatch(/database is locked|SQLITE_BUSY|unhandled error/)
  }, 60_000)
})
