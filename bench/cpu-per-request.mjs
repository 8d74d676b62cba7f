#!/usr/bin/env node
/**
 * A quick, repeatable figure for work on the hot path: CPU µs per request of the bare proxy and
 * the gateway at a fixed concurrency, interleaved over a few rounds (a subset of `npm run bench`,
 * about 20 s). CPU per request barely moves when other work shares the machine; req/s does.
 * Usage: node bench/cpu-per-request.mjs [--rounds 3] [--seconds 2] [--concurrency 10] [--route openai|anthropic]
 *        [--pinned] (systems under test on core 0, mock and load generator on core 1, as the
 *        full bench's pinned mode: then req/s is the figure, since the measured process owns its core)
 *        [--warm-both] (before measuring, each gateway also serves the other route for a while, as
 *        in the full bench, whose earlier scenarios send both: V8 then runs the request path with
 *        inline caches that have seen both formats)
 *        [--cpu-prof <dir>] (profile the gateway, and the bare proxy into <dir>/bare, while they run;
 *        node bench/profile-diff.mjs compares the two per request)
 *        [--baseline <bin/openclaw.js of another build>] (runs that build too, same state, in the same
 *        interleaved rounds, and prints this build ÷ baseline per round: a paired figure that
 *        neighbours on a shared host disturb far less than two separate runs)
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { startGateway } from './lib/other-scenarios.mjs'
import { killAll, pin, startNode } from './lib/procs.mjs'
import { REALISTIC_ENV, ROOT, writeRealisticState } from './lib/setup.mjs'

const { values: opt } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '10' },
    route: { type: 'string', default: 'openai' },
    'cpu-prof': { type: 'string' },
    baseline: { type: 'string' },
    pinned: { type: 'boolean', default: false },
    'warm-both': { type: 'boolean', default: false },
  },
})
const jsonLine = (line) => {
  try {
    return JSON.parse(line)
  } catch {
    return undefined
  }
}

/** User and system CPU ms of a process so far (/proc/<pid>/stat, clock ticks of 10 ms). */
function cpuOf(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return { user: Number(f[11]) * 10, sys: Number(f[12]) * 10 }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-cpu-per-req-'))
try {
  const mock = await startNode([path.join(ROOT, 'bench', 'mock-upstream.mjs')], {
    ready: jsonLine,
    label: 'mock',
  })
  const mockUrl = `http://127.0.0.1:${mock.ready.port}`
  const bareArgs = opt['cpu-prof']
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(opt['cpu-prof'], 'bare')}`]
    : []
  const bare = await startNode(
    [...bareArgs, path.join(ROOT, 'bench', 'bare-proxy.mjs'), '--upstream', mockUrl],
    {
      ready: jsonLine,
      label: 'bare proxy',
    },
  )
  const stateDir = path.join(tmp, 'state')
  await writeRealisticState(stateDir, mockUrl)
  const nodeArgs = opt['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(opt['cpu-prof'])}`] : []
  const gw = await startGateway({ home: tmp }, stateDir, { extraEnv: REALISTIC_ENV, nodeArgs })
  let baseline
  if (opt.baseline) {
    const baseState = path.join(tmp, 'state-baseline')
    await writeRealisticState(baseState, mockUrl)
    baseline = await startGateway({ home: tmp }, baseState, {
      extraEnv: REALISTIC_ENV,
      entry: path.resolve(opt.baseline),
      command: ['gateway'],
    })
  }
  const loadgen = await startNode([path.join(ROOT, 'bench', 'loadgen.mjs')], { ipc: true, label: 'loadgen' })
  await new Promise((r) => loadgen.child.once('message', r))
  if (opt.pinned) {
    const ok = [bare, gw, baseline]
      .filter(Boolean)
      .map((p) => pin(p.pid, '0'))
      .concat([pin(mock.pid, '1'), pin(loadgen.pid, '1')])
    if (!ok.every(Boolean)) throw new Error('--pinned needs taskset and two cores')
  }
  let seq = 0
  const run = (msg) =>
    new Promise((resolve, reject) => {
      const id = ++seq
      const onMsg = (m) => {
        if (m.id !== id) return
        loadgen.child.off('message', onMsg)
        if (m.error) reject(new Error(m.error))
        else resolve(m.result)
      }
      loadgen.child.on('message', onMsg)
      loadgen.child.send({ ...msg, id })
    })
  const prompt = 'Summarise the following in one sentence: '.concat('lorem ipsum dolor sit amet '.repeat(12))
  const anthropic = opt.route === 'anthropic'
  const bodyFor = (asAnthropic, model) =>
    asAnthropic
      ? JSON.stringify({
          model,
          max_tokens: 64,
          system: 'You are a benchmark.',
          messages: [{ role: 'user', content: prompt }],
        })
      : JSON.stringify({
          model,
          messages: [
            { role: 'system', content: 'You are a benchmark.' },
            { role: 'user', content: prompt },
          ],
          max_tokens: 64,
        })
  const body = (model) => bodyFor(anthropic, model)
  const p = anthropic ? '/v1/messages' : '/v1/chat/completions'
  const av = anthropic ? { 'anthropic-version': '2023-06-01' } : {}
  const targets = {
    bare: {
      proc: bare,
      t: {
        port: bare.ready.port,
        path: p,
        headers: anthropic ? { ...av, 'x-api-key': 'sk-ant-bare' } : { authorization: 'Bearer sk-bare' },
        body: body(anthropic ? 'claude-bench' : 'gpt-4o-mini'),
      },
    },
    gateway: {
      proc: gw,
      t: {
        port: gw.port,
        path: p,
        headers: av,
        body: body(anthropic ? 'anthropic/claude-bench' : 'openai/gpt-4o-mini'),
      },
    },
  }
  if (baseline) targets.baseline = { proc: baseline, t: { ...targets.gateway.t, port: baseline.port } }
  const c = Number(opt.concurrency)
  const ms = Number(opt.seconds) * 1000
  if (opt['warm-both']) {
    const other = anthropic
      ? { path: '/v1/chat/completions', headers: {}, body: bodyFor(false, 'openai/gpt-4o-mini') }
      : {
          path: '/v1/messages',
          headers: { 'anthropic-version': '2023-06-01' },
          body: bodyFor(true, 'anthropic/claude-bench'),
        }
    for (const [name, { t }] of Object.entries(targets)) {
      if (name === 'bare') continue
      await run({ cmd: 'closed', target: { ...t, ...other }, concurrency: c, durationMs: 1500 })
      await run({ cmd: 'closed', target: t, concurrency: c, durationMs: 1500 })
    }
  }
  for (const { t } of Object.values(targets))
    await run({ cmd: 'closed', target: t, concurrency: c, durationMs: 500 })
  const rows = Object.fromEntries(Object.keys(targets).map((k) => [k, []]))
  const names = Object.keys(targets)
  for (let r = 0; r < Number(opt.rounds); r++) {
    // Each round starts with a different target, so none always follows the same one.
    const order = names.map((_, i) => names[(i + r) % names.length])
    for (const name of order) {
      const { proc, t } = targets[name]
      const cpu0 = cpuOf(proc.pid)
      const res = await run({ cmd: 'closed', target: t, concurrency: c, durationMs: ms })
      const cpu1 = cpuOf(proc.pid)
      const per = (ms) => (ms * 1000) / res.completed
      const bad = Object.values(res.errors).reduce((a, n) => a + n, 0) + (res.completed - res.ok)
      rows[name].push({
        rps: res.completed / (ms / 1000),
        cpuUs: per(cpu1.user + cpu1.sys - cpu0.user - cpu0.sys),
        userUs: per(cpu1.user - cpu0.user),
        sysUs: per(cpu1.sys - cpu0.sys),
        bad,
      })
    }
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  for (const [name, rs] of Object.entries(rows)) {
    console.log(
      `${name.padEnd(8)} req/s ${Math.round(med(rs.map((x) => x.rps)))}  CPU µs/req ${Math.round(med(rs.map((x) => x.cpuUs)))} (user ${Math.round(med(rs.map((x) => x.userUs)))}, system ${Math.round(med(rs.map((x) => x.sysUs)))})  non-2xx/errors ${rs.reduce((a, x) => a + x.bad, 0)}`,
    )
  }
  const ratio = rows.gateway.map((g, i) => g.cpuUs / rows.bare[i].cpuUs)
  const tput = rows.gateway.map((g, i) => g.rps / rows.bare[i].rps)
  console.log(`gateway ÷ bare: CPU ${med(ratio).toFixed(2)}×, throughput ${med(tput).toFixed(2)}`)
  if (baseline) {
    const vs = rows.gateway.map((g, i) => g.cpuUs / rows.baseline[i].cpuUs)
    const userVs = rows.gateway.map((g, i) => g.userUs / rows.baseline[i].userUs)
    const baseRatio = rows.baseline.map((b, i) => b.cpuUs / rows.bare[i].cpuUs)
    const baseTput = rows.baseline.map((b, i) => b.rps / rows.bare[i].rps)
    const rpsVs = rows.gateway.map((g, i) => g.rps / rows.baseline[i].rps)
    console.log(
      `baseline ÷ bare: CPU ${med(baseRatio).toFixed(2)}×, throughput ${med(baseTput).toFixed(2)}; gateway ÷ baseline per round: CPU ${med(vs).toFixed(3)}× (${vs.map((x) => x.toFixed(2)).join(' ')}), user CPU ${med(userVs).toFixed(3)}×, req/s ${med(rpsVs).toFixed(3)}× (${rpsVs.map((x) => x.toFixed(2)).join(' ')})`,
    )
    await baseline.stop('SIGINT')
  }
  await gw.stop('SIGINT')
  // SIGTERM: the bare proxy exits through process.exit, which writes its profile.
  await bare.stop('SIGTERM')
  const served = (rs) => Math.round(rs.reduce((a, x) => a + x.rps * (ms / 1000), 0))
  console.log(`requests measured: bare ${served(rows.bare)}, gateway ${served(rows.gateway)}`)
} finally {
  killAll()
  fs.rmSync(tmp, { recursive: true, force: true })
}
