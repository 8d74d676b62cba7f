/**
 * H-01 / H-02 (catalogue 2.H), scaled to the CI budget: 100 concurrent streaming requests for
 * ROTATION_LOAD_SECONDS (default 10 s) through the real gateway process, whose only credential
 * is an OAuth profile whose access token is due for refresh every 2.5 s, against a strict mock
 * authorization server (single use, reuse revokes the family) and a mock provider that accepts
 * only the current or previous access token of a live family. H-02 adds 4 CLI processes that run
 * `models status` and `models auth paste-api-key` on other profiles of the same store, about one
 * command a second each. ROTATION_LOAD_SECONDS=1800 is the H-06 soak (docs/reliability.md).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CredentialStore } from '../../src/store/credential-store.ts'
import { DEFAULT_BUSY_TIMEOUT_MS } from '../../src/store/db.ts'
import { type CliResult, canary } from '../support/cli.ts'
import { waitFor } from '../support/gateway-harness.ts'
import type { RecordedRequest } from '../support/mock-provider/index.ts'
import { type GatewayProcess, now } from './harness/gateway-process.ts'
import { OAUTH_MODEL, OAUTH_PROFILE, type OAuthRig, startOAuthRig } from './harness/oauth-rig.ts'
import { HEALTHY, storeHealth } from './harness/store-health.ts'
import { percentile, type StreamOutcome, startStreamLoad, tally } from './harness/stream-load.ts'
import { delay } from './harness/workers.ts'

const SECONDS = Number(process.env.ROTATION_LOAD_SECONDS ?? 10)
const DURATION_MS = SECONDS * 1000
const ROTATE_MS = 2500
const CONCURRENCY = 100
// A cap well above what two cores serve in that time, so the clock is what ends the run.
const MAX_REQUESTS = SECONDS * 400
const CLI_LANES = 4
// H-06: a long run also asserts that RSS, open descriptors and the heap stay flat.
const SOAK = SECONDS >= 300

let rig: OAuthRig
let gw: GatewayProcess

beforeAll(async () => {
  rig = await startOAuthRig({ rotateMs: ROTATE_MS, chunkIntervalMs: 100 })
  // A soak would write hundreds of thousands of response captures; the CI-sized run keeps them.
  gw = await rig.startGateway({ probe: true, capture: !SOAK })
})

afterAll(async () => {
  gw?.killGroup()
  await rig?.close()
})

function fdCount(pid: number): number {
  return fs.readdirSync(`/proc/${pid}/fd`).length
}

/** utime + stime of a process, in ms (clock ticks are 10 ms on Linux). */
function cpuMs(pid: number): number {
  const fields = (fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

/** At most 30 evenly spaced samples, for a report that stays readable in a soak. */
function sampled(xs: number[]): number[] {
  const step = Math.max(1, Math.ceil(xs.length / 30))
  return xs.filter((_, i) => i % step === 0)
}

/** Sizes of the store's and the lease database's WAL files, in KiB. */
function walSizes(): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [name, file] of [
    ['store', `${rig.home.storePath()}-wal`],
    ['leases', path.join(rig.home.stateDir, 'state', 'oauth-refresh.sqlite-wal')],
  ] as const) {
    out[name] = fs.existsSync(file) ? Math.round(fs.statSync(file).size / 1024) : 0
  }
  return out
}

function vmRss(pid: number): number {
  const line = fs
    .readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) * 1024
}

/**
 * Upstream time of each request by its prompt (from body received to response finished), and
 * the upstream 401s, counted from events so the mock's request log can be trimmed as it goes.
 */
function upstreamTimes(tag: string): {
  byPrompt: Map<string, number>
  unauthorized: () => number
  detach: () => void
} {
  const arrived = new Map<string, { prompt: string; at: number; record: RecordedRequest }>()
  const byPrompt = new Map<string, number>()
  let unauthorized = 0
  const onRequest = (r: RecordedRequest) => {
    const content = r.body?.messages?.at(-1)?.content
    if (typeof content === 'string' && content.startsWith(`${tag} `))
      arrived.set(r.id, { prompt: content, at: now(), record: r })
  }
  const onFinished = ({ id }: { id: string }) => {
    const a = arrived.get(id)
    if (!a) return
    arrived.delete(id)
    byPrompt.set(a.prompt, now() - a.at)
    if (a.record.status === 401) unauthorized++
  }
  rig.mock.events.on('request', onRequest)
  rig.mock.events.on('response-finished', onFinished)
  return {
    byPrompt,
    unauthorized: () => unauthorized,
    detach() {
      rig.mock.events.off('request', onRequest)
      rig.mock.events.off('response-finished', onFinished)
    },
  }
}

interface RunReport {
  outcomes: StreamOutcome[]
  elapsedMs: number
  rotations: number
  generations: number
  summary: Record<string, unknown>
}

/** One load run with the pass criteria H-01 and H-02 share. */
async function rotationRun(tag: string, during?: () => Promise<void>): Promise<RunReport> {
  const callsBefore = rig.as.refreshCalls.length
  const genBefore = rig.stored().generation
  const logFrom = gw.lines.length
  const times = upstreamTimes(tag)
  const rssSamples: number[] = []
  const fdSamples: number[] = []
  const heapSamples: number[] = SOAK ? [(await gw.memory()).heapUsed] : []
  let sampling = false
  let tick = 0
  const sampler = setInterval(() => {
    rssSamples.push(vmRss(gw.pid))
    fdSamples.push(fdCount(gw.pid))
    rig.mock.requests.length = 0
    if (SOAK && ++tick % 60 === 0 && !sampling) {
      sampling = true
      void gw
        .memory()
        .then((m) => heapSamples.push(m.heapUsed))
        .finally(() => {
          sampling = false
        })
    }
  }, 1000)
  // The client and the mock share this process: its event-loop delay says how much of the
  // measured overhead is the test's own queueing rather than the gateway's.
  const loop = monitorEventLoopDelay({ resolution: 10 })
  loop.enable()
  const load1 = os.loadavg()[0] ?? 0
  const cpu0 = cpuMs(gw.pid)
  const started = now()
  const load = startStreamLoad({
    url: () => gw.url,
    token: () => ({ value: rig.gatewayToken, label: 'gateway token' }),
    model: OAUTH_MODEL,
    tag,
    concurrency: CONCURRENCY,
    durationMs: DURATION_MS,
    maxRequests: MAX_REQUESTS,
  })
  const [outcomes] = await Promise.all([load.done, during?.()])
  const elapsedMs = now() - started
  if (SOAK) heapSamples.push((await gw.memory()).heapUsed)
  const gatewayCpuMs = cpuMs(gw.pid) - cpu0
  loop.disable()
  clearInterval(sampler)
  times.detach()

  const calls = rig.as.refreshCalls.slice(callsBefore)
  const gen = rig.stored()
  // The last refresh's log line may still be in the pipe when its request's answer is read.
  const refreshedLines = () =>
    gw.lines.slice(logFrom).filter((l) => l.text.includes(`oauth refreshed ${OAUTH_PROFILE}`)).length
  await waitFor(() => refreshedLines() >= calls.length, 5000, 'the refresh log lines')
  const logs = gw.lines.slice(logFrom).map((l) => l.text)
  const bad = outcomes.filter((o) => o.kind !== 'success')
  const latency = outcomes.map((o) => o.endedAt - o.startedAt).sort((a, b) => a - b)
  const overhead = outcomes
    .filter((o) => o.kind === 'success')
    .map((o) => o.endedAt - o.startedAt - (times.byPrompt.get(`${tag} ${o.n}`) ?? Number.NaN))
    .filter((x) => Number.isFinite(x))
    .sort((a, b) => a - b)
  const round = (x: number) => Math.round(x)
  const summary = {
    requests: outcomes.length,
    seconds: +(elapsedMs / 1000).toFixed(1),
    perSecond: round(outcomes.length / (elapsedMs / 1000)),
    kinds: tally(outcomes, (o) => o.kind),
    refreshCalls: tally(calls, (c) => c.outcome),
    generations: gen.generation - genBefore,
    latencyMs: { p50: round(percentile(latency, 50)), p99: round(percentile(latency, 99)) },
    overheadMs: {
      matched: overhead.length,
      p50: round(percentile(overhead, 50)),
      p95: round(percentile(overhead, 95)),
      p99: round(percentile(overhead, 99)),
    },
    gatewayCpuMsPerRequest: +(gatewayCpuMs / outcomes.length).toFixed(2),
    gatewayCpuShare: +(gatewayCpuMs / elapsedMs).toFixed(2),
    testLoopDelayP99Ms: round(loop.percentile(99) / 1e6),
    loadAvgBefore: +load1.toFixed(1),
    rssMB: sampled(rssSamples).map((b) => +(b / 1e6).toFixed(0)),
    fds: sampled(fdSamples),
    ...(SOAK ? { heapMB: heapSamples.map((b) => +(b / 1e6).toFixed(1)) } : {}),
    walKB: walSizes(),
  }
  console.log(`${tag}: ${JSON.stringify(summary)}`)

  // Zero requests failed, for any reason: the profile is the only credential, so a credential
  // mistake (stale token, revoked family, refresh error) could only show up as a failure here.
  expect(bad.slice(0, 5), `${bad.length} of ${outcomes.length} requests failed`).toEqual([])
  expect(outcomes.length).toBeGreaterThanOrEqual(CONCURRENCY)
  expect(times.unauthorized()).toBe(0)
  // Exactly one refresh per generation: every call presented the current refresh token once.
  expect(calls.every((c) => c.outcome === 'rotated')).toBe(true)
  expect(new Set(calls.map((c) => c.refreshToken)).size).toBe(calls.length)
  // About DURATION / ROTATE; a starved box (load average 9) has shown one fewer or two.
  expect(calls.length).toBeGreaterThanOrEqual(2)
  expect(calls.length).toBeLessThanOrEqual(Math.ceil(elapsedMs / ROTATE_MS) + 1)
  expect(gen.generation - genBefore).toBe(calls.length)
  expect(refreshedLines()).toBe(calls.length)
  // Nothing lost: the store holds the pair the authorization server considers current.
  expect(rig.as.family(rig.family.id)?.revoked).toBe(false)
  expect(gen.cred.refresh).toBe(rig.family.current.refresh)
  expect(gen.cred.access).toBe(rig.family.current.access)
  expect(logs.join('\n')).not.toMatch(/SQLITE_BUSY|database is locked|unhandled error/)
  // Checked while the gateway still runs (WAL readers do not disturb it).
  expect(storeHealth(rig.home.storePath())).toEqual(HEALTHY)
  // The WAL stays bounded (autocheckpoint at 1,000 pages: about 4 MB).
  for (const kb of Object.values(summary.walKB)) expect(kb).toBeLessThan(8 * 1024)
  if (SOAK) {
    // Flat: the last quarter of the run against the first (after the ramp-up).
    const q = (xs: number[], from: number, to: number) =>
      Math.max(...xs.slice(Math.floor(xs.length * from), Math.ceil(xs.length * to)))
    expect(q(fdSamples, 0.75, 1)).toBeLessThanOrEqual(q(fdSamples, 0.1, 0.25) + 20)
    expect(q(rssSamples, 0.75, 1)).toBeLessThanOrEqual(q(rssSamples, 0.1, 0.25) * 1.25)
    expect(heapSamples.at(-1)! - heapSamples[0]!).toBeLessThan(16 * 1024 * 1024)
  }
  return { outcomes, elapsedMs, rotations: calls.length, generations: gen.generation - genBefore, summary }
}

describe('H-01 / H-02: streaming load while the OAuth pair rotates', () => {
  it(
    `H-01: ${CONCURRENCY} concurrent streams for ${SECONDS} s, token due every ${ROTATE_MS / 1000} s: one refresh per generation, nothing failed`,
    async () => {
      // Warm-up (JIT, connection pools), then the idle baseline after a forced GC.
      await startStreamLoad({
        url: () => gw.url,
        token: () => ({ value: rig.gatewayToken, label: 'gateway token' }),
        model: OAUTH_MODEL,
        tag: 'warm',
        concurrency: 10,
        durationMs: 5000,
        maxRequests: 40,
      }).done
      const idle = await gw.memory()
      const idleFds = fdCount(gw.pid)
      await rotationRun('h01')
      const after = await gw.memory()
      console.log(
        `h01 memory: heap ${(idle.heapUsed / 1e6).toFixed(1)} -> ${(after.heapUsed / 1e6).toFixed(1)} MB, fds ${idleFds} -> ${fdCount(gw.pid)}`,
      )
      expect(idle.gc && after.gc).toBe(true)
      expect(after.heapUsed - idle.heapUsed).toBeLessThan(8 * 1024 * 1024)
    },
    DURATION_MS + 45_000,
  )

  it(
    `H-02: the same with ${CLI_LANES} CLI processes running status and paste-api-key on other profiles`,
    async () => {
      const cli: Array<{ lane: number; args: string; ms: number; r: CliResult }> = []
      const lastKey = new Map<string, string>()
      const deadline = now() + DURATION_MS
      const lane = async (lane: number) => {
        const profileId = `anthropic:cli-${lane}`
        for (let i = 0; i < SECONDS * 2 && now() < deadline - 500; i++) {
          const t0 = now()
          const paste = i % 2 === 1
          const key = paste ? canary('sk-ant-api03-') : ''
          const args = paste
            ? ['models', 'auth', 'paste-api-key', '--provider', 'anthropic', '--profile-id', profileId]
            : ['models', 'status']
          const r = await rig.home.run(args, paste ? { stdin: key } : {})
          const ms = now() - t0
          cli.push({ lane, args: args.slice(0, 3).join(' '), ms, r })
          if (paste && r.code === 0) lastKey.set(profileId, key)
          // Pacing, not synchronisation: about one command a second per lane.
          if (ms < 1000) await delay(1000 - ms)
        }
      }
      await rotationRun('h02', () =>
        Promise.all(Array.from({ length: CLI_LANES }, (_, i) => lane(i))).then(() => {}),
      )

      const slowest = Math.max(...cli.map((c) => c.ms))
      console.log(
        `h02 cli: ${JSON.stringify({
          commands: cli.length,
          byCommand: tally(cli, (c) => c.args),
          exits: tally(cli, (c) => String(c.r.code)),
          slowestMs: Math.round(slowest),
          p50Ms: Math.round(
            percentile(
              cli.map((c) => c.ms).sort((a, b) => a - b),
              50,
            ),
          ),
        })}`,
      )
      // About one command a second per lane on a quiet box; a loaded one starts them slower.
      for (let lane = 0; lane < CLI_LANES; lane++)
        expect(new Set(cli.filter((c) => c.lane === lane).map((c) => c.args)).size).toBe(2)
      for (const c of cli) {
        expect(c.r.code, `${c.args}: ${c.r.stderr}`).toBe(0)
        expect(`${c.r.stdout}${c.r.stderr}`).not.toMatch(/store_busy|SQLITE_BUSY|database is locked/i)
        if (c.args === 'models status') expect(c.r.stdout).toContain(OAUTH_PROFILE)
      }
      // A command that waited out the busy timeout would have failed with store_busy; none came close.
      expect(slowest).toBeLessThan(DEFAULT_BUSY_TIMEOUT_MS)
      // Nothing lost: every lane's last acknowledged key is stored for its own profile.
      const store = CredentialStore.open(rig.home.storePath(), { readonly: true })
      try {
        for (const [id, key] of lastKey) {
          const c = store.getProfile(id)?.credential
          expect(c?.type === 'api_key' && c.key === key, id).toBe(true)
        }
      } finally {
        store.close()
      }
      expect(lastKey.size).toBe(CLI_LANES)

      expect(await gw.stop()).toBe(0)
      expect(storeHealth(rig.home.storePath())).toEqual(HEALTHY)
    },
    DURATION_MS + 45_000,
  )
})
