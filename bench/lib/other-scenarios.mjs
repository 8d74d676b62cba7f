/**
 * Scenarios that start their own gateways: the 429 storm, the store-write check with the
 * periodic flush out of the way, CLI cold start, and the 1,000-agent scale test.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { freePort, httpJson, pin, startNode, waitHealthy } from './procs.mjs'
import {
  BIN,
  childEnv,
  REALISTIC_ENV,
  ROOT,
  readStates,
  storePath,
  watchStore,
  writeManyAgents,
  writeRealisticState,
  writeStormState,
} from './setup.mjs'
import { median } from './stats.mjs'

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const LISTENING = (line) => /listening on (http:\/\/\S+)/.exec(line)?.[1]

export async function startGateway(
  ctx,
  stateDir,
  {
    extraEnv = {},
    nodeArgs = [],
    entry = BIN,
    command = entry === BIN ? ['gateway'] : [],
    cpus,
    maxOutput,
  } = {},
) {
  const port = await freePort()
  const env = childEnv(ctx.home, stateDir, extraEnv)
  const args = [...nodeArgs, entry, ...command, '--port', String(port)]
  const proc = await startNode(args, { env, cwd: ctx.home, ready: LISTENING, label: 'gateway', maxOutput })
  if (cpus) pin(proc.pid, cpus)
  proc.url = proc.ready
  proc.port = port
  return proc
}

/**
 * 9 of 10 keys answer 429 with Retry-After; requests must still succeed, and a key that
 * answered 429 must not be called again while its cooldown runs (>= Retry-After; the run is
 * far shorter than the cooldown, so any later call of it is a violation).
 */
export async function storm(ctx) {
  const P = ctx.P.storm
  const slackMs = 5
  const rounds = []
  for (let r = 0; r < P.rounds; r++) {
    const stateDir = path.join(ctx.tmp, `storm-${r}`)
    const keys = await writeStormState(stateDir, ctx.mock.url)
    await httpJson(`${ctx.mock.url}/__bench/config`, { method: 'POST', body: { retryAfterS: P.retryAfterS } })
    // Debug lines: each attempt is logged when its credential is chosen, in the same stream as
    // the failures, so the check below can tell "decided before the cooldown" from "after".
    const gw = await startGateway(ctx, stateDir, {
      extraEnv: { OPENCLAW_DEBUG: '1' },
      maxOutput: 64 * 1024 * 1024,
    })
    // Warm-up on the OpenAI route first: a cold process queues its first requests for tens of
    // milliseconds (JIT, new sockets), so calls decided before a cooldown was recorded would
    // reach the mock long after it and read as violations.
    await ctx.loadgen.run({
      cmd: 'closed',
      target: {
        port: gw.port,
        path: '/v1/chat/completions',
        headers: {},
        body: ctx.bodies.openai('openai/gpt-4o-mini'),
      },
      concurrency: P.concurrency,
      durationMs: 300,
    })
    await httpJson(`${ctx.mock.url}/__bench/reset`, { method: 'POST' })
    const target = {
      port: gw.port,
      path: '/v1/messages',
      headers: { 'anthropic-version': '2023-06-01' },
      body: ctx.bodies.anthropic('anthropic/claude-bench'),
    }
    const res = await ctx.loadgen.run({
      cmd: 'closed',
      target,
      concurrency: P.concurrency,
      durationMs: P.durationMs,
    })
    const stats = (await httpJson(`${ctx.mock.url}/__bench/stats`)).json
    await gw.stop()
    const recordedAt = firstRateLimitRecords(gw.output)
    const decided = attemptsAfterFirstFailure(gw.output)
    const states = await readStates(stateDir, 'main')
    const perKey = {}
    let violations = 0
    let lateArrivals = 0
    let inflightRepeats = 0
    const cooldownMs = []
    for (const [id, key] of Object.entries(keys)) {
      const calls = stats.keys[key] ?? 0
      const lim = stats.limited[key]
      // The gateway cannot know of a 429 before it has read it: calls chosen before it recorded
      // the key's cooldown were on their way; a call chosen after that is a violation. Which
      // came first is the gateway's own order of events (its attempt and failure lines). The
      // mock's arrival clock is kept as a cross-check: on a busy 2-core box a call chosen before
      // the record can arrive more than the slack after it.
      const known = recordedAt.get(id)
      const d = decided.get(id)
      let after = 0
      let late = 0
      let repeats = 0
      if (lim?.first429At !== undefined) {
        if (known === undefined) after = lim.calls.length
        else {
          after = d?.after ?? 0
          for (const t of lim.calls) if (t > known + slackMs) late++
        }
        repeats = Math.max(0, lim.calls.length - 1 - after)
      }
      violations += after
      lateArrivals += late
      inflightRepeats += repeats
      const st = states.get(id)
      const row = st?.cooldowns?.find((c) => c.until > 0)
      const cd = row && st.lastFailureAt ? row.until - st.lastFailureAt : undefined
      if (lim && cd !== undefined) cooldownMs.push(cd)
      perKey[id] = {
        calls,
        attemptsLogged: d?.total ?? 0,
        limited: !!lim,
        callsAfterCooldownStart: after,
        cooldownMs: cd,
      }
    }
    const limitedCalls = Object.values(perKey)
      .filter((k) => k.limited)
      .map((k) => k.calls)
    const okCalls = Object.values(perKey)
      .filter((k) => !k.limited)
      .reduce((a, k) => a + k.calls, 0)
    rounds.push({
      requests: res.completed + Object.values(res.errors).reduce((a, n) => a + n, 0),
      ok: res.ok,
      statuses: res.statuses,
      errors: res.errors,
      p50: res.lat.p50,
      p99: res.lat.p99,
      upstreamCalls: stats.total,
      limitedCalls: limitedCalls.reduce((a, n) => a + n, 0),
      maxCallsPerLimitedKey: Math.max(0, ...limitedCalls),
      okKeyCalls: okCalls,
      violations,
      lateArrivals,
      attemptsLogged: Object.values(perKey).reduce((a, k) => a + k.attemptsLogged, 0),
      inflightRepeats,
      minCooldownMs: cooldownMs.length ? Math.min(...cooldownMs) : undefined,
      cooledKeys: cooldownMs.length,
      perKey,
    })
  }
  await httpJson(`${ctx.mock.url}/__bench/config`, { method: 'POST', body: { retryAfterS: 45 } })
  return { retryAfterS: P.retryAfterS, slackMs, durationMs: P.durationMs, concurrency: P.concurrency, rounds }
}

/**
 * Profile id -> attempts the gateway logged for it in total, and after its first
 * "failed: rate_limit" line (lines are written in the order the gateway did things).
 */
function attemptsAfterFirstFailure(output) {
  const out = new Map()
  const line =
    /^\[gateway\] \S+ (?:debug: run \S+: \S+ via (\S+): attempt|warn: run \S+: \S+ via (\S+) failed: rate_limit)$/gm
  for (const m of output.matchAll(line)) {
    const id = m[1] ?? m[2]
    let k = out.get(id)
    if (!k) {
      k = { total: 0, after: 0, failed: false }
      out.set(id, k)
    }
    if (m[1] !== undefined) {
      k.total++
      if (k.failed) k.after++
    } else k.failed = true
  }
  return out
}

/** Profile id -> wall-clock ms of the gateway's first "failed: rate_limit" log line for it. */
function firstRateLimitRecords(output) {
  const out = new Map()
  for (const m of output.matchAll(/^\[gateway\] (\S+) warn: run \S+: \S+ via (\S+) failed: rate_limit/gm)) {
    const at = Date.parse(m[1])
    if (!out.has(m[2]) && Number.isFinite(at)) out.set(m[2], at)
  }
  return out
}

/**
 * Client disconnects: clients that give up (time out) while the upstream is still thinking must
 * not cost the gateway its credentials. A fresh gateway, a mock that answers after 300 ms, and
 * requests the load generator abandons after 50 ms; then one normal request, and the store's
 * cooldown rows.
 */
export async function clientAborts(ctx) {
  const P = ctx.P.aborts
  const stateDir = path.join(ctx.tmp, 'aborts')
  await writeRealisticState(stateDir, ctx.mock.url)
  const gw = await startGateway(ctx, stateDir, { extraEnv: REALISTIC_ENV })
  const target = { ...ctx.targets.gateway, port: gw.port }
  try {
    await httpJson(`${ctx.mock.url}/__bench/config`, { method: 'POST', body: { delayMs: 300 } })
    const res = await ctx.loadgen.run({
      cmd: 'closed',
      target,
      concurrency: 4,
      maxRequests: P.requests,
      durationMs: 5000,
      timeoutMs: 50,
    })
    await httpJson(`${ctx.mock.url}/__bench/config`, { method: 'POST', body: { delayMs: 0 } })
    // Let the abandoned upstream calls finish or fail inside the gateway first.
    await sleep(500)
    const after = await httpJson(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      body: target.body,
    }).catch((e) => ({ status: 0, text: String(e) }))
    await gw.stop()
    const states = await readStates(stateDir, 'main')
    const cooled = [...states.values()].filter((st) => (st.cooldowns ?? []).length > 0 || st.disabled)
    return {
      abandoned: Object.values(res.errors).reduce((a, n) => a + n, 0),
      answered: res.completed,
      afterStatus: after.status,
      afterMessage:
        after.status === 200 ? '' : (after.json?.error?.message ?? after.text ?? '').slice(0, 400),
      cooledProfiles: cooled.map((st) => st.profileId),
    }
  } finally {
    await httpJson(`${ctx.mock.url}/__bench/config`, { method: 'POST', body: { delayMs: 0 } })
    await gw.stop()
  }
}

/**
 * Store writes on the success path, counted from outside the process with the periodic flush
 * moved to one hour (bench/gateway-longflush.mjs: same GatewayState + startGateway as the CLI).
 */
export async function writesWithoutFlush(ctx) {
  const P = ctx.P.saturated
  const stateDir = path.join(ctx.tmp, 'longflush')
  await writeRealisticState(stateDir, ctx.mock.url)
  let gw
  try {
    gw = await startGateway(ctx, stateDir, {
      extraEnv: REALISTIC_ENV,
      entry: path.join(ROOT, 'bench', 'gateway-longflush.mjs'),
      cpus: ctx.hasPinning ? '0' : undefined,
    })
  } catch (err) {
    return { ok: false, reason: (err.message ?? String(err)).split('\n').slice(0, 4).join(' ') }
  }
  try {
    const watch = await watchStore(await storePath(stateDir, 'main'))
    const target = { ...ctx.targets.gateway, port: gw.port }
    // Warm-up first: the first request of each profile may legitimately differ; measured after.
    await ctx.loadgen.run({ cmd: 'closed', target, concurrency: 10, durationMs: 500 })
    const rounds = []
    for (let r = 0; r < P.rounds; r++) {
      const before = watch.read()
      const res = await ctx.loadgen.run({ cmd: 'closed', target, concurrency: 50, durationMs: P.durationMs })
      const after = watch.read()
      rounds.push({
        requests: res.completed,
        ok: res.ok,
        commits: after.commits - before.commits,
        dataVersionChanged: after.dataVersion !== before.dataVersion,
      })
    }
    watch.close()
    return { ok: true, rounds }
  } finally {
    await gw.stop()
  }
}

function timeSpawn(args, env, cwd) {
  const t = performance.now()
  const r = spawnSync(process.execPath, args, {
    env,
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  })
  return { ms: performance.now() - t, code: r.status, out: `${r.stdout}${r.stderr}` }
}

/** `openclaw models status --check` against `node -e 0`, alternating, after warm-up runs. */
export async function cliColdStart(ctx) {
  const P = ctx.P.cli
  // Its own state: the load scenarios may have left cooldowns in the gateway's.
  ctx.cliState = path.join(ctx.tmp, 'cli-state')
  await writeRealisticState(ctx.cliState, ctx.mock.url)
  const env = childEnv(ctx.home, ctx.cliState, REALISTIC_ENV)
  const cmds = {
    'node -e 0': ['-e', '0'],
    'openclaw --version': [BIN, '--version'],
    'openclaw models status --check': [BIN, 'models', 'status', '--check'],
  }
  const out = Object.fromEntries(Object.keys(cmds).map((k) => [k, { ms: [], codes: {} }]))
  for (let i = 0; i < P.warmup; i++) for (const args of Object.values(cmds)) timeSpawn(args, env, ctx.home)
  for (let i = 0; i < P.runs; i++) {
    for (const [name, args] of Object.entries(cmds)) {
      const r = timeSpawn(args, env, ctx.home)
      out[name].ms.push(r.ms)
      out[name].codes[r.code] = (out[name].codes[r.code] ?? 0) + 1
      if (r.code !== 0 && !out[name].sample) out[name].sample = r.out.slice(0, 400)
    }
  }
  const ratios = out['node -e 0'].ms.map((n, i) => out['openclaw models status --check'].ms[i] / n)
  return {
    ...out,
    ratios,
    ratio: median(out['openclaw models status --check'].ms) / median(out['node -e 0'].ms),
  }
}

async function probeSnapshot(proc, file, prevUptime) {
  const before = fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0
  proc.child.kill('SIGUSR2')
  for (let i = 0; i < 200; i++) {
    await sleep(5)
    try {
      if (fs.statSync(file).mtimeMs !== before) {
        const snap = JSON.parse(fs.readFileSync(file, 'utf8'))
        if (snap.uptimeMs > (prevUptime ?? -1)) return snap
      }
    } catch {
      // not written yet
    }
  }
  return undefined
}

/** 1,000 agents with 10 profiles each: gateway ready time, event-loop blocking, models status. */
export async function scale(ctx) {
  const P = ctx.P.scale
  const stateDir = path.join(ctx.tmp, 'scale')
  const t0 = performance.now()
  const ids = await writeManyAgents(stateDir, ctx.mock.url, P.agents)
  const createMs = performance.now() - t0
  const probe = pathToFileURL(path.join(ROOT, 'bench', 'eventloop-probe.mjs')).href
  const starts = []
  let perAgent
  for (let r = 0; r < P.starts; r++) {
    const port = await freePort()
    const elOut = path.join(ctx.tmp, `elprobe-${r}.json`)
    const env = childEnv(ctx.home, stateDir, { NODE_OPTIONS: `--import=${probe}`, BENCH_ELPROBE_OUT: elOut })
    const since = performance.now()
    const proc = await startNode([BIN, 'gateway', '--port', String(port)], {
      env,
      cwd: ctx.home,
      label: 'gateway',
    })
    const readyMs = await waitHealthy(`http://127.0.0.1:${port}/health`, {
      since,
      proc,
      everyMs: 2,
      timeoutMs: 60_000,
    })
    await sleep(P.settleMs)
    const snap = await probeSnapshot(proc, elOut)
    // Block times are on the gateway's clock (since its process started), readyMs on ours
    // (since spawn): close enough to tell blocks before the server answered from those after.
    const after = (snap?.topBlocks ?? []).filter((b) => b.atMs >= readyMs)
    const start = {
      readyMs,
      maxBlockedMs: snap?.maxBlockedMs,
      histMaxMs: snap?.histMaxMs,
      maxBlockedAfterReadyMs: after.length ? Math.max(...after.map((b) => b.blockedMs)) : 0,
      topBlocks: snap?.topBlocks?.slice(0, 5),
    }
    if (r === 0 && P.touchAgents) {
      // First request per agent (opens its store); informational, not a target.
      const tTouch = performance.now()
      let ok = 0
      for (const id of ids) {
        const res = await httpJson(`http://127.0.0.1:${port}/v1/chat/completions`, {
          method: 'POST',
          body: ctx.bodies.openaiObj('openai/gpt-4o-mini'),
          headers: { 'x-openclaw-agent-id': id },
        })
        if (res.status === 200) ok++
      }
      const touchMs = performance.now() - tTouch
      const snap2 = await probeSnapshot(proc, elOut, snap?.uptimeMs)
      const later = (snap2?.topBlocks ?? []).filter((b) => b.atMs >= (snap?.uptimeMs ?? 0))
      perAgent = {
        agents: ids.length,
        ok,
        totalMs: touchMs,
        perAgentMs: touchMs / ids.length,
        maxBlockedMs: later.length ? Math.max(...later.map((b) => b.blockedMs)) : 0,
        rssMiB: ctx.memoryOf(proc.pid).rssMiB,
      }
    }
    await proc.stop()
    starts.push(start)
  }
  const env = childEnv(ctx.home, stateDir)
  const status = { default: [], agent: [], codes: {} }
  timeSpawn([BIN, 'models', 'status'], env, ctx.home)
  for (let r = 0; r < P.statusRuns; r++) {
    const a = timeSpawn([BIN, 'models', 'status'], env, ctx.home)
    const b = timeSpawn([BIN, 'models', 'status', '--agent', ids[Math.floor(ids.length / 2)]], env, ctx.home)
    status.default.push(a.ms)
    status.agent.push(b.ms)
    for (const c of [a.code, b.code]) status.codes[c] = (status.codes[c] ?? 0) + 1
    if (a.code !== 0 && !status.sample) status.sample = a.out.slice(0, 400)
  }
  return { agents: ids.length, profilesPerAgent: 10, createMs, starts, perAgent, status }
}
