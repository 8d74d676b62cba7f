#!/usr/bin/env node
/**
 * `npm run bench`: measures the gateway against the floor (a bare node:http proxy) and a peer
 * (Portkey's open-source gateway) on a loopback mock upstream, plus the CLI and a 1,000-agent
 * state, and writes docs/benchmarks.md. `npm run bench -- --quick` is the few-second smoke run
 * CI uses to keep the harness working: it writes its report to a temp file, never to docs/.
 *
 * Options: --quick, --out <file>, --no-portkey, --portkey (also in --quick), --no-profile,
 * --keep (leave the temp folder), --quiet-wait <s> (how long a full run waits for other
 * processes to calm down before it starts; default 60), --render <json> (rewrite the report
 * from the raw figures a run saved, without measuring). Needs `npm run build` first (it runs dist/ through bin/).
 * Exit code: 0 when the harness ran (missed targets included), 1 when the harness itself failed.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fixedRate, saturated, sequentialLatency, setMode, sseTiming, warmup } from './lib/load-scenarios.mjs'
import {
  cliColdStart,
  clientAborts,
  scale,
  startGateway,
  storm,
  writesWithoutFlush,
} from './lib/other-scenarios.mjs'
import { installPortkey, PORTKEY_VERSION } from './lib/portkey.mjs'
import {
  cpuSample,
  cpuShares,
  freePort,
  hasTaskset,
  httpJson,
  killAll,
  memoryOf,
  startNode,
  waitForQuiet,
  waitHealthy,
} from './lib/procs.mjs'
import { profileCli, profileGateway } from './lib/profiles.mjs'
import { renderReport } from './lib/report.mjs'
import {
  agentIds,
  REALISTIC_ENV,
  ROOT,
  storePath,
  watchStore,
  writeManyAgents,
  writeRealisticState,
} from './lib/setup.mjs'
import { evaluateTargets } from './lib/targets.mjs'

const { values: opt } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    portkey: { type: 'boolean', default: false },
    'no-portkey': { type: 'boolean', default: false },
    'no-profile': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'quiet-wait': { type: 'string', default: '60' },
    render: { type: 'string' },
  },
})

const FULL = {
  name: 'full',
  deadlineMs: 14 * 60_000,
  warmupMs: 1500,
  latency: { rounds: 7, requests: 300, warmupMs: 100, maxMs: 4000 },
  saturated: { rounds: 3, durationMs: 2000, warmupMs: 300, concurrencies: [10, 50] },
  rate: { rounds: 3, durationMs: 2000, timeoutMs: 10_000, rates: [500, 1000] },
  sse: { rounds: 5, streams: 8 },
  storm: { rounds: 3, durationMs: 3000, concurrency: 10, retryAfterS: 45 },
  aborts: { requests: 20 },
  cli: { warmup: 2, runs: 15 },
  scale: { agents: 1000, starts: 5, statusRuns: 5, settleMs: 300, touchAgents: true },
}
const QUICK = {
  name: 'quick',
  deadlineMs: 90_000,
  warmupMs: 300,
  latency: { rounds: 2, requests: 100, warmupMs: 50, maxMs: 2000 },
  saturated: { rounds: 1, durationMs: 500, warmupMs: 100, concurrencies: [10, 50] },
  rate: { rounds: 1, durationMs: 500, timeoutMs: 5000, rates: [500, 1000] },
  sse: { rounds: 1, streams: 3 },
  storm: { rounds: 1, durationMs: 600, concurrency: 10, retryAfterS: 45 },
  aborts: { requests: 8 },
  cli: { warmup: 1, runs: 3 },
  scale: { agents: 20, starts: 1, statusRuns: 1, settleMs: 100, touchAgents: false },
}
const P = opt.quick ? QUICK : FULL
const started = performance.now()
const log = (msg) =>
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s] ${msg}\n`)

const deadline = setTimeout(() => {
  log(`giving up: the ${P.name} run exceeded ${P.deadlineMs / 1000} s`)
  killAll()
  process.exit(1)
}, P.deadlineMs)
deadline.unref()

const jsonLine = (line) => {
  try {
    const v = JSON.parse(line)
    return typeof v?.port === 'number' ? v : undefined
  } catch {
    return undefined
  }
}

function machineInfo() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8')
  let commit = 'unknown'
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim()
    if (dirty) commit += ' + uncommitted changes in src/'
  } catch {
    // not a git checkout
  }
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpuModel: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown',
    memGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    taskset: hasTaskset,
    commit,
  }
}

async function startLoadgen() {
  const proc = await startNode([path.join(ROOT, 'bench', 'loadgen.mjs')], { ipc: true, label: 'loadgen' })
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('load generator did not start')), 10_000)
    proc.child.once('message', (m) => {
      clearTimeout(t)
      if (m?.ready) resolve()
      else reject(new Error('load generator sent an unexpected first message'))
    })
  })
  const pending = new Map()
  let seq = 0
  proc.child.on('message', (m) => {
    const p = pending.get(m.id)
    if (!p) return
    pending.delete(m.id)
    clearTimeout(p.timer)
    if (m.error) p.reject(new Error(`load generator: ${m.error}`))
    else p.resolve(m.result)
  })
  proc.run = (msg) =>
    new Promise((resolve, reject) => {
      const id = ++seq
      // Every command is bounded inside the generator; this is the outer safety net.
      const limit = (msg.durationMs ?? 10_000) + (msg.warmupMs ?? 0) + (msg.timeoutMs ?? 10_000) + 30_000
      const timer = setTimeout(() => {
        pending.delete(id)
        reject(new Error(`load generator did not answer ${msg.cmd} within ${limit} ms`))
      }, limit)
      pending.set(id, { resolve, reject, timer })
      proc.child.send({ ...msg, id })
    })
  return proc
}

const PROMPT = 'Summarise the following in one sentence: '
  .concat('lorem ipsum dolor sit amet '.repeat(12))
  .trim()
const bodies = {
  openaiObj: (model) => ({
    model,
    messages: [
      { role: 'system', content: 'You are a benchmark.' },
      { role: 'user', content: PROMPT },
    ],
    max_tokens: 64,
  }),
  openai: (model, stream = false) =>
    JSON.stringify({ ...bodies.openaiObj(model), ...(stream ? { stream: true } : {}) }),
  anthropic: (model, stream = false) =>
    JSON.stringify({
      model,
      max_tokens: 64,
      system: 'You are a benchmark.',
      messages: [{ role: 'user', content: PROMPT }],
      ...(stream ? { stream: true } : {}),
    }),
}

function defineTargets(ctx) {
  const m = ctx.mock.port
  const mockUrl = ctx.mock.url
  const OA = '/v1/chat/completions'
  const AN = '/v1/messages'
  const av = { 'anthropic-version': '2023-06-01' }
  const t = {
    direct: {
      port: m,
      path: OA,
      headers: { authorization: 'Bearer sk-proj-direct' },
      body: bodies.openai('gpt-4o-mini'),
    },
    bare: {
      port: ctx.bare.ready.port,
      path: OA,
      headers: { authorization: 'Bearer sk-proj-bare' },
      body: bodies.openai('gpt-4o-mini'),
    },
    gateway: { port: ctx.gw.port, path: OA, headers: {}, body: bodies.openai('openai/gpt-4o-mini') },
    'bare-anthropic': {
      port: ctx.bare.ready.port,
      path: AN,
      headers: { ...av, 'x-api-key': 'sk-ant-bare' },
      body: bodies.anthropic('claude-bench'),
    },
    'gateway-anthropic': {
      port: ctx.gw.port,
      path: AN,
      headers: av,
      body: bodies.anthropic('anthropic/claude-bench'),
    },
    'direct-sse': {
      port: m,
      path: OA,
      headers: { authorization: 'Bearer sk-proj-direct' },
      body: bodies.openai('gpt-4o-mini', true),
    },
    'bare-sse': {
      port: ctx.bare.ready.port,
      path: OA,
      headers: { authorization: 'Bearer sk-proj-bare' },
      body: bodies.openai('gpt-4o-mini', true),
    },
    'gateway-sse': {
      port: ctx.gw.port,
      path: OA,
      headers: {},
      body: bodies.openai('openai/gpt-4o-mini', true),
    },
    'gateway-sse-anthropic': {
      port: ctx.gw.port,
      path: AN,
      headers: av,
      body: bodies.anthropic('anthropic/claude-bench', true),
    },
  }
  if (ctx.pk) {
    const pko = {
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': `${mockUrl}/v1`,
      authorization: 'Bearer sk-proj-portkey',
    }
    const pka = {
      ...av,
      'x-portkey-provider': 'anthropic',
      'x-portkey-custom-host': `${mockUrl}/v1`,
      'x-api-key': 'sk-ant-portkey',
    }
    t.portkey = { port: ctx.pk.port, path: OA, headers: pko, body: bodies.openai('gpt-4o-mini') }
    t['portkey-anthropic'] = {
      port: ctx.pk.port,
      path: AN,
      headers: pka,
      body: bodies.anthropic('claude-bench'),
    }
    t['portkey-sse'] = { port: ctx.pk.port, path: OA, headers: pko, body: bodies.openai('gpt-4o-mini', true) }
    t['portkey-sse-anthropic'] = {
      port: ctx.pk.port,
      path: AN,
      headers: pka,
      body: bodies.anthropic('claude-bench', true),
    }
  }
  return t
}

async function startPortkey(ctx, results) {
  const pk = { version: PORTKEY_VERSION }
  results.portkey = pk
  if (opt['no-portkey'] || (opt.quick && !opt.portkey)) {
    pk.skipped = opt.quick ? 'skipped in --quick (use --portkey to include it)' : 'skipped (--no-portkey)'
    return undefined
  }
  const inst = await installPortkey({ log })
  Object.assign(pk, { installOk: inst.ok, installMs: inst.installMs, reused: inst.reused, dir: inst.dir })
  if (!inst.ok) {
    pk.error = `install failed: ${inst.reason}`
    log(`Portkey: ${pk.error}`)
    return undefined
  }
  try {
    const port = await freePort()
    const since = performance.now()
    const proc = await startNode([inst.entry, '--headless', `--port=${port}`], {
      cwd: inst.dir,
      env: { PATH: process.env.PATH, HOME: ctx.home, NODE_ENV: 'production' },
      label: 'portkey',
    })
    pk.readyMs = await waitHealthy(`http://127.0.0.1:${port}/`, { since, proc, timeoutMs: 30_000 })
    proc.port = port
    return proc
  } catch (err) {
    pk.error = `start failed: ${String(err.message).split('\n')[0]}`
    log(`Portkey: ${pk.error}`)
    return undefined
  }
}

/** One request per target before anything is measured; broken peers are dropped, broken own parts abort. */
async function sanity(ctx, results) {
  results.sanity = {}
  for (const [name, t] of Object.entries(ctx.targets)) {
    const r = await httpJson(`http://127.0.0.1:${t.port}${t.path}`, {
      method: 'POST',
      body: t.body,
      headers: t.headers,
    }).catch((e) => ({ status: 0, text: String(e) }))
    const ok = r.status === 200 && (!name.includes('sse') || r.text.includes('bench_t'))
    results.sanity[name] = ok ? 'ok' : `HTTP ${r.status}: ${r.text.slice(0, 200)}`
    if (!ok && !name.startsWith('portkey'))
      throw new Error(`${name} does not work: HTTP ${r.status} ${r.text.slice(0, 300)}`)
    if (!ok) log(`${name}: ${results.sanity[name]}`)
  }
}

function memorySnapshot(ctx) {
  const out = {}
  for (const [name, p] of [
    ['gateway', ctx.gw],
    ['bare', ctx.bare],
    ['portkey', ctx.pk],
  ])
    if (p) out[name] = memoryOf(p.pid)
  return out
}

/** The results so far, saved for debugging when the harness fails midway. */
let partial

/** Runs one scenario and records how busy the rest of the machine was meanwhile. */
async function measured(results, label, fn) {
  const a = cpuSample()
  const out = await fn()
  results.background.push({ label, ...cpuShares(a, cpuSample()) })
  return out
}

async function main() {
  const distMain = path.join(ROOT, 'dist', 'cli', 'main.js')
  if (!fs.existsSync(distMain)) throw new Error('dist/ is missing: run `npm run build` first')
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-bench-'))
  const home = path.join(tmp, 'home')
  fs.mkdirSync(home)
  const results = { params: P, machine: machineInfo(), modes: {}, notes: [], background: [], incidents: [] }
  partial = results
  const ctx = { P, tmp, home, log, bodies, memoryOf, hasPinning: hasTaskset && results.machine.nproc >= 2 }
  ctx.suts = () => [ctx.bare, ctx.gw, ctx.pk].filter(Boolean)
  log(`${P.name} run; temp folder ${tmp}`)
  if (!opt.quick) {
    // A shared machine makes every figure noisy; give other work a minute to finish first.
    results.quiet = await waitForQuiet({ log, maxWaitMs: Number(opt['quiet-wait']) * 1000 })
    if (!results.quiet.quiet)
      results.notes.push(
        `Other processes kept using ${Math.round(results.quiet.foreign * 100)}% of the machine when the run started; see "Background load".`,
      )
  }
  try {
    ctx.mock = await startNode([path.join(ROOT, 'bench', 'mock-upstream.mjs')], {
      ready: jsonLine,
      label: 'mock',
    })
    ctx.mock.port = ctx.mock.ready.port
    ctx.mock.url = `http://127.0.0.1:${ctx.mock.port}`
    ctx.bare = await startNode([path.join(ROOT, 'bench', 'bare-proxy.mjs'), '--upstream', ctx.mock.url], {
      ready: jsonLine,
      label: 'bare proxy',
    })
    ctx.mainState = path.join(tmp, 'state')
    await writeRealisticState(ctx.mainState, ctx.mock.url)
    ctx.gw = await startGateway(ctx, ctx.mainState, { extraEnv: REALISTIC_ENV })
    ctx.gatewayServes = async (name) => {
      const t = ctx.targets[name]
      const r = await httpJson(`http://127.0.0.1:${t.port}${t.path}`, {
        method: 'POST',
        body: t.body,
        headers: t.headers,
      }).catch((e) => ({ status: 0, text: String(e), json: undefined }))
      if (r.status === 200) return true
      return `HTTP ${r.status}: ${r.json?.error?.message ?? r.text.slice(0, 300)}`
    }
    let generation = 0
    ctx.restartGateway = async (scenario, why) => {
      generation++
      results.incidents.push({ mode: ctx.mode, scenario, why, gatewayRssMiB: memoryOf(ctx.gw.pid).rssMiB })
      log(
        `gateway stopped serving during ${ctx.mode} ${scenario} (${why.slice(0, 160)}); starting a fresh one`,
      )
      ctx.storeWatch?.gateway?.close()
      await ctx.gw.stop()
      const dir = path.join(tmp, `state-${generation}`)
      await writeRealisticState(dir, ctx.mock.url)
      ctx.gw = await startGateway(ctx, dir, {
        extraEnv: REALISTIC_ENV,
        cpus: ctx.mode === 'pinned' ? '0' : undefined,
      })
      for (const [n, t] of Object.entries(ctx.targets)) if (n.startsWith('gateway')) t.port = ctx.gw.port
      if (ctx.storeWatch) ctx.storeWatch.gateway = await watchStore(await storePath(dir, 'main'))
      await ctx.loadgen.run({
        cmd: 'closed',
        target: ctx.targets.gateway,
        concurrency: 10,
        durationMs: P.warmupMs,
      })
    }
    ctx.pk = await startPortkey(ctx, results)
    ctx.loadgen = await startLoadgen()
    ctx.targets = defineTargets(ctx)
    await sanity(ctx, results)
    const pkOk = (name) => results.sanity[name] === 'ok'
    await new Promise((r) => setTimeout(r, 500))
    results.memory = { idle: memorySnapshot(ctx) }
    ctx.storeWatch = { gateway: await watchStore(await storePath(ctx.mainState, 'main')) }

    const withPk = (names, pkName) => (pkOk(pkName) ? [...names, pkName] : names)
    const latNames = [
      ...withPk(['direct', 'bare', 'gateway'], 'portkey'),
      ...withPk(['bare-anthropic', 'gateway-anthropic'], 'portkey-anthropic'),
    ]
    const satNames = withPk(['direct', 'bare', 'gateway'], 'portkey')
    const rateNames = withPk(['bare', 'gateway'], 'portkey')
    const sseNames = ['direct-sse', 'bare-sse', 'gateway-sse', 'gateway-sse-anthropic']
    if (ctx.pk) sseNames.push('portkey-sse', 'portkey-sse-anthropic')

    const modes = ctx.hasPinning ? (opt.quick ? ['pinned'] : ['pinned', 'unpinned']) : ['unpinned']
    if (!ctx.hasPinning) results.notes.push('taskset or a second core is missing: only unpinned figures.')
    for (const mode of modes) {
      log(`mode ${mode}: warm-up`)
      setMode(ctx, mode)
      await warmup(ctx, [...new Set([...latNames, ...satNames])], P.warmupMs)
      const m = { sat: {}, rate: {} }
      log(`mode ${mode}: sequential latency`)
      m.lat = await measured(results, `${mode}: sequential latency`, () =>
        sequentialLatency(ctx, latNames, {
          bare: 'direct',
          'bare-anthropic': 'bare-anthropic',
          'gateway-anthropic': 'bare-anthropic',
          'portkey-anthropic': 'bare-anthropic',
        }),
      )
      for (const c of P.saturated.concurrencies) {
        log(`mode ${mode}: saturated c=${c}`)
        m.sat[c] = await measured(results, `${mode}: saturated c=${c}`, () => saturated(ctx, satNames, c))
      }
      for (const rate of P.rate.rates) {
        log(`mode ${mode}: fixed rate ${rate}/s`)
        m.rate[rate] = await measured(results, `${mode}: fixed ${rate} req/s`, () =>
          fixedRate(ctx, rateNames, rate),
        )
      }
      log(`mode ${mode}: SSE`)
      m.sse = await measured(results, `${mode}: SSE`, () => sseTiming(ctx, sseNames))
      results.modes[mode] = m
    }
    await new Promise((r) => setTimeout(r, 1000))
    results.memory.afterLoad = memorySnapshot(ctx)
    ctx.storeWatch.gateway.close()
    setMode(ctx, 'unpinned')

    log('429 storm')
    results.storm = await measured(results, '429 storm', () => storm(ctx))
    log('client disconnects')
    results.aborts = await measured(results, 'client disconnects', () => clientAborts(ctx))
    log('store writes with the periodic flush disabled')
    results.writes = await measured(results, 'store writes', () => writesWithoutFlush(ctx))
    log('CLI cold start')
    results.cli = await measured(results, 'CLI cold start', async () => cliColdStart(ctx))
    log(`scale: ${P.scale.agents} agents`)
    results.scale = await measured(results, 'scale', () => scale(ctx))

    results.targets = evaluateTargets(results)
    results.profiles = []
    const missed = new Set(
      results.targets
        .filter((t) => t.verdict === 'MISS')
        .map((t) => t.profile)
        .filter(Boolean),
    )
    if (missed.size > 0 && (opt.quick || opt['no-profile'])) {
      results.notes.push(`Targets were missed; no profile taken (${opt.quick ? '--quick' : '--no-profile'}).`)
    } else {
      await takeProfiles(ctx, results, missed)
    }
  } finally {
    results.elapsedMs = performance.now() - started
    await Promise.all([ctx.loadgen, ctx.gw, ctx.bare, ctx.pk, ctx.mock].filter(Boolean).map((p) => p.stop()))
    if (!opt.keep) fs.rmSync(tmp, { recursive: true, force: true })
    else log(`kept ${tmp}`)
  }
  return results
}

/** A profile that fails is recorded as such; it never costs the run its figures. */
async function safeProfile(results, label, fn) {
  try {
    results.profiles.push(await fn())
  } catch (err) {
    log(`profile ${label} failed: ${err.message}`)
    results.profiles.push({ label, ok: false, reason: String(err.message).split('\n')[0] })
  }
}

async function takeProfiles(ctx, results, missed) {
  // Each profile runs a fresh gateway on its own, after the main measurements.
  if (missed.has('gateway-load')) {
    log('profile: gateway under saturated load')
    await safeProfile(results, 'gateway-load', () =>
      profileGateway(ctx, 'gateway-load', async (gw) => {
        const target = { ...ctx.targets.gateway, port: gw.port }
        await ctx.loadgen.run({ cmd: 'closed', target, concurrency: 10, durationMs: 1000 })
        // Both saturated concurrencies the targets read, whichever of them missed.
        const c10 = await ctx.loadgen.run({ cmd: 'closed', target, concurrency: 10, durationMs: 3000 })
        const c50 = await ctx.loadgen.run({ cmd: 'closed', target, concurrency: 50, durationMs: 3000 })
        return `OpenAI route after 1 s warm-up: c=10 for 3 s (${Math.round(c10.rps)} req/s), then c=50 for 3 s (${Math.round(c50.rps)} req/s), while profiling`
      }),
    )
  }
  if (missed.has('gateway-sse')) {
    log('profile: gateway streaming SSE')
    await safeProfile(results, 'gateway-sse', () =>
      profileGateway(ctx, 'gateway-sse', async (gw) => {
        const target = { ...ctx.targets['gateway-sse'], port: gw.port }
        await ctx.loadgen.run({ cmd: 'sse', target, n: 100 })
        return '100 sequential streams (OpenAI route)'
      }),
    )
  }
  if (missed.has('cli')) {
    log('profile: CLI')
    await safeProfile(results, 'cli', async () => profileCli(ctx))
  }
  const scaleState = path.join(ctx.tmp, 'scale')
  if (missed.has('scale')) {
    log('profile: gateway start with many agents')
    if (!fs.existsSync(scaleState)) await writeManyAgents(scaleState, ctx.mock.url, P.scale.agents)
    await safeProfile(results, 'scale-start', () =>
      profileGateway(ctx, 'scale-start', async () => 'start until /health answered, then SIGTERM', {
        stateDir: scaleState,
        extraEnv: {},
        stretches: true,
      }),
    )
  }
  const touch = results.scale?.perAgent
  if (touch && touch.maxBlockedMs > 50 && !opt.quick && !opt['no-profile'] && fs.existsSync(scaleState)) {
    // Not a target, but a long block while agents' stores open is worth explaining.
    log('profile: first request to many agents')
    const n = Math.min(300, touch.agents)
    await safeProfile(results, 'scale-first-requests', () =>
      profileGateway(
        ctx,
        'scale-first-requests',
        async (gw) => {
          for (const id of agentIds(n)) {
            await httpJson(`${gw.url}/v1/chat/completions`, {
              method: 'POST',
              body: bodies.openaiObj('openai/gpt-4o-mini'),
              headers: { 'x-openclaw-agent-id': id },
            })
          }
          await new Promise((r) => setTimeout(r, 1500))
          return `one request to each of ${n} agents in turn, then 1.5 s idle (periodic flush)`
        },
        { stateDir: scaleState, extraEnv: {}, stretches: true },
      ),
    )
  }
}

if (opt.render) {
  // Re-renders a report from saved raw figures (e.g. after a wording fix), no measuring.
  const results = JSON.parse(fs.readFileSync(opt.render, 'utf8'))
  results.targets = evaluateTargets(results)
  const out = path.resolve(opt.out ?? path.join(ROOT, 'docs', 'benchmarks.md'))
  fs.writeFileSync(out, renderReport(results))
  console.log(`report: ${out}`)
  process.exit(0)
}

try {
  const results = await main()
  const quickDefault = path.join(os.tmpdir(), 'openclaw-bench-quick.md')
  const out = path.resolve(opt.out ?? (opt.quick ? quickDefault : path.join(ROOT, 'docs', 'benchmarks.md')))
  if (opt.quick && out === path.join(ROOT, 'docs', 'benchmarks.md'))
    throw new Error('--quick never writes docs/benchmarks.md')
  fs.mkdirSync(path.dirname(out), { recursive: true })
  fs.writeFileSync(out, renderReport(results))
  const rawOut = out.replace(/\.md$/, '') + '.json'
  const raw = opt.quick || opt.out ? rawOut : path.join(os.tmpdir(), 'openclaw-bench-full.json')
  fs.writeFileSync(raw, JSON.stringify(results, null, 1))
  const misses = results.targets.filter((t) => t.verdict === 'MISS').length
  log(
    `done in ${(results.elapsedMs / 1000).toFixed(1)} s; ${results.targets.length - misses} targets met, ${misses} missed`,
  )
  console.log(`report: ${out}`)
  console.log(`raw results: ${raw}`)
  process.exitCode = 0
} catch (err) {
  log(`harness failure: ${err.stack ?? err}`)
  if (partial) {
    const file = path.join(os.tmpdir(), 'openclaw-bench-partial.json')
    fs.writeFileSync(file, JSON.stringify(partial, null, 1))
    log(`figures measured before the failure: ${file}`)
  }
  killAll()
  process.exitCode = 1
}
