/**
 * The load scenarios (sequential latency, saturated throughput, fixed rates, SSE). Each one
 * runs its systems under test in interleaved rounds (the order rotates every round), so slow
 * drift of the machine lands on all of them alike. Every figure kept per round; the report
 * shows median (min–max) over rounds.
 */
import { cpuMsOf, pin } from './procs.mjs'
import { median } from './stats.mjs'

/** Pinned: systems under test on core 0, mock and load generator on core 1. */
export function setMode(ctx, mode) {
  ctx.mode = mode
  const sut = mode === 'pinned' ? '0' : '0,1'
  const side = mode === 'pinned' ? '1' : '0,1'
  for (const p of ctx.suts()) pin(p.pid, sut)
  pin(ctx.mock.pid, side)
  pin(ctx.loadgen.pid, side)
}

const rotate = (xs, r) => xs.map((_, i) => xs[(i + r) % xs.length])

/**
 * Before every run against the gateway: one request must succeed. If it does not (a previous
 * scenario left every credential cooling down, say), the incident is recorded with the
 * gateway's answer and a fresh gateway replaces it, so one failure does not spoil the rest.
 */
export async function ensureGateway(ctx, name, scenario) {
  if (!name.startsWith('gateway')) return
  const route = name.includes('anthropic') ? 'gateway-anthropic' : 'gateway'
  const ok = await ctx.gatewayServes(route)
  if (ok === true) return
  await ctx.restartGateway(scenario, ok)
}

/** CPU ms used by the process behind a target (the mock for `direct`). */
function pidOf(ctx, name) {
  const sys = name.split('-')[0]
  return { direct: ctx.mock, bare: ctx.bare, gateway: ctx.gw, portkey: ctx.pk }[sys]?.pid
}

export async function warmup(ctx, names, ms) {
  for (const name of names) {
    await ensureGateway(ctx, name, 'warm-up')
    await ctx.loadgen.run({ cmd: 'closed', target: ctx.targets[name], concurrency: 10, durationMs: ms })
  }
}

function errorCount(res) {
  const non2xx = Object.entries(res.statuses ?? {})
    .filter(([s]) => Number(s) < 200 || Number(s) >= 300)
    .reduce((a, [, n]) => a + n, 0)
  return non2xx + Object.values(res.errors ?? {}).reduce((a, n) => a + n, 0)
}

/**
 * Concurrency 1: per round, the mean and the median latency of each target, and the added
 * latency against its floor in the same round (`bases[name]`, default `bare`).
 */
export async function sequentialLatency(ctx, names, bases = {}) {
  const P = ctx.P.latency
  const out = Object.fromEntries(names.map((n) => [n, { means: [], medians: [], p99s: [], errors: 0, n: 0 }]))
  for (let r = 0; r < P.rounds; r++) {
    for (const name of rotate(names, r)) {
      await ensureGateway(ctx, name, 'sequential latency')
      const res = await ctx.loadgen.run({
        cmd: 'closed',
        target: ctx.targets[name],
        concurrency: 1,
        warmupMs: P.warmupMs,
        maxRequests: P.requests,
        durationMs: P.maxMs,
      })
      const o = out[name]
      o.means.push(res.lat.mean)
      o.medians.push(res.lat.p50)
      o.p99s.push(res.lat.p99)
      o.errors += errorCount(res)
      o.n += res.completed
    }
  }
  for (const name of names) {
    const o = out[name]
    const base = bases[name] ?? 'bare'
    if (!out[base] || name === base || name === 'direct') continue
    o.base = base
    o.addedMean = o.means.map((m, i) => m - out[base].means[i])
    o.addedMedian = o.medians.map((m, i) => m - out[base].medians[i])
  }
  return out
}

/** Closed loop at concurrency c; optionally counts store commits around the gateway's runs. */
export async function saturated(ctx, names, c) {
  const P = ctx.P.saturated
  const out = Object.fromEntries(
    names.map((n) => [n, { rps: [], p50: [], p99: [], cpuUsPerReq: [], errors: 0, n: 0, commits: [] }]),
  )
  for (let r = 0; r < P.rounds; r++) {
    for (const name of rotate(names, r)) {
      await ensureGateway(ctx, name, `saturated c=${c}`)
      const watch = ctx.storeWatch?.[name]
      const before = watch?.read()
      const pid = pidOf(ctx, name)
      const cpu0 = cpuMsOf(pid)
      const res = await ctx.loadgen.run({
        cmd: 'closed',
        target: ctx.targets[name],
        concurrency: c,
        warmupMs: P.warmupMs,
        durationMs: P.durationMs,
      })
      const after = watch?.read()
      const cpu = cpuMsOf(pid) - cpu0
      const o = out[name]
      // Warm-up requests are included in the CPU time, so divide by every request sent.
      o.cpuUsPerReq.push((cpu * 1000) / Math.max(1, res.completed + (res.warmupCompleted ?? 0)))
      o.rps.push(res.rps)
      o.p50.push(res.lat.p50)
      o.p99.push(res.lat.p99)
      o.errors += errorCount(res)
      o.n += res.completed
      if (before && after) {
        o.commits.push({
          commits: after.commits - before.commits,
          dataVersionChanged: after.dataVersion !== before.dataVersion,
          requests: res.completed,
          // warm-up + measured window: the periodic flush may run in either
          windowMs: P.warmupMs + res.elapsedMs,
        })
      }
    }
  }
  for (const name of names) {
    const o = out[name]
    if (out.bare && name !== 'bare') o.cpuVsBare = o.cpuUsPerReq.map((v, i) => v / out.bare.cpuUsPerReq[i])
    if (out.bare && name !== 'bare') o.ratioVsBare = o.rps.map((v, i) => v / out.bare.rps[i])
    if (out.portkey && name !== 'portkey') o.ratioVsPortkey = o.rps.map((v, i) => v / out.portkey.rps[i])
  }
  return out
}

/** Open loop at a fixed rate: achieved rate, p50/p99 from the intended send time, errors. */
export async function fixedRate(ctx, names, rate) {
  const P = ctx.P.rate
  const out = Object.fromEntries(
    names.map((n) => [n, { achieved: [], p50: [], p99: [], max: [], errors: [], errorKinds: {} }]),
  )
  for (let r = 0; r < P.rounds; r++) {
    for (const name of rotate(names, r)) {
      await ensureGateway(ctx, name, `fixed ${rate} req/s`)
      const res = await ctx.loadgen.run({
        cmd: 'rate',
        target: ctx.targets[name],
        rate,
        durationMs: P.durationMs,
        timeoutMs: P.timeoutMs,
      })
      const o = out[name]
      o.achieved.push(res.achievedRps)
      o.p50.push(res.lat.p50)
      o.p99.push(res.lat.p99)
      o.max.push(res.lat.max)
      o.errors.push(res.errorCount)
      for (const [k, v] of Object.entries({ ...res.errors, ...nonOk(res.statuses) }))
        o.errorKinds[k] = (o.errorKinds[k] ?? 0) + v
    }
  }
  return out
}

function nonOk(statuses) {
  return Object.fromEntries(
    Object.entries(statuses ?? {})
      .filter(([s]) => Number(s) < 200 || Number(s) >= 300)
      .map(([s, n]) => [`HTTP ${s}`, n]),
  )
}

/** Streams through each path; per round the median over its streams of each timing. */
export async function sseTiming(ctx, names) {
  const P = ctx.P.sse
  const keys = [
    'headersMs',
    'firstChunkMs',
    'lastChunkMs',
    'firstDelayMs',
    'lastDelayMs',
    'medianDelayMs',
    'maxDelayMs',
  ]
  const out = Object.fromEntries(
    names.map((n) => [n, { ...Object.fromEntries(keys.map((k) => [k, []])), events: [], failures: [] }]),
  )
  for (let r = 0; r < P.rounds; r++) {
    for (const name of rotate(names, r)) {
      await ensureGateway(ctx, name, 'SSE')
      const streams = await ctx.loadgen.run({ cmd: 'sse', target: ctx.targets[name], n: P.streams })
      const o = out[name]
      const good = streams.filter((s) => s.ok)
      for (const s of streams.filter((s) => !s.ok)) if (o.failures.length < 3) o.failures.push(s)
      o.failed = (o.failed ?? 0) + streams.length - good.length
      if (good.length === 0) continue
      for (const k of keys) o[k].push(median(good.map((s) => s[k])))
      o.events.push(median(good.map((s) => s.events)))
    }
  }
  return out
}
