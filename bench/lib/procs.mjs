/**
 * Child processes of the benchmark: spawning (optionally under `taskset`), waiting until they
 * listen, re-pinning them, reading their memory, and killing exactly the ones we started.
 */
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import http from 'node:http'

const children = new Set()

/** Kills every child this run started (by pid); used on exit and on errors. */
export function killAll() {
  for (const c of children) {
    try {
      c.kill('SIGKILL')
    } catch {
      // already gone
    }
  }
  children.clear()
}
process.on('exit', killAll)

export const hasTaskset = spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0

/**
 * Spawns `node <args>`; resolves once `ready(line)` returns a value for a line of its stdout or
 * stderr. The returned object has pid, the ready value, the output seen so far, and stop().
 */
export async function startNode(args, opts = {}) {
  const { env = process.env, cwd, cpus, ready, timeoutMs = 20_000, ipc = false, label = args[0] } = opts
  // Output kept for error messages; a scenario that reads every line raises it.
  const maxOutput = opts.maxOutput ?? 200_000
  const cmd = cpus && hasTaskset ? 'taskset' : process.execPath
  const argv = cpus && hasTaskset ? ['-c', cpus, process.execPath, ...args] : args
  const stdio = ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe']
  const spawnedAt = performance.now()
  const child = spawn(cmd, argv, { env, cwd, stdio })
  children.add(child)
  const proc = { child, pid: child.pid, label, output: '', spawnedAt, exited: false, exitCode: null }
  child.on('exit', (code, signal) => {
    proc.exited = true
    proc.exitCode = code ?? signal
    children.delete(child)
  })
  const keep = (d) => {
    proc.output += d
    if (proc.output.length > maxOutput) proc.output = proc.output.slice(-maxOutput / 2)
  }
  child.stdout.setEncoding('utf8').on('data', keep)
  child.stderr.setEncoding('utf8').on('data', keep)
  proc.stop = (signal = 'SIGTERM', graceMs = 5000) => stopProc(proc, signal, graceMs)
  if (!ready) return proc
  proc.ready = await new Promise((resolve, reject) => {
    let buf = ''
    const onData = (d) => {
      buf += d
      let nl = buf.indexOf('\n')
      while (nl !== -1) {
        const line = buf.slice(0, nl)
        buf = buf.slice(nl + 1)
        const v = ready(line)
        if (v !== undefined) {
          cleanup()
          return resolve(v)
        }
        nl = buf.indexOf('\n')
      }
    }
    const onExit = () => {
      cleanup()
      reject(new Error(`${label} exited before it was ready:\n${proc.output.slice(-2000)}`))
    }
    const timer = setTimeout(() => {
      cleanup()
      reject(new Error(`${label} not ready within ${timeoutMs} ms:\n${proc.output.slice(-2000)}`))
    }, timeoutMs)
    const cleanup = () => {
      clearTimeout(timer)
      child.stdout.off('data', onData)
      child.stderr.off('data', onData)
      child.off('exit', onExit)
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('exit', onExit)
  }).catch((err) => {
    child.kill('SIGKILL')
    throw err
  })
  proc.readyMs = performance.now() - spawnedAt
  return proc
}

async function stopProc(proc, signal, graceMs) {
  if (proc.exited) return proc.exitCode
  proc.child.kill(signal)
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs)
  await once(proc.child, 'exit').catch(() => {})
  clearTimeout(timer)
  return proc.exitCode
}

/** Pins every thread of `pid` to `cpus` ("0", "1", "0,1"); a no-op without taskset. */
export function pin(pid, cpus) {
  if (!hasTaskset || pid === undefined) return false
  return spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' }).status === 0
}

/** VmRSS and VmHWM of a process, in MiB. */
export function memoryOf(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? Number.NaN)
    return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024 }
  } catch {
    return { rssMiB: Number.NaN, hwmMiB: Number.NaN }
  }
}

/** Small HTTP request for control calls (not for measurement). */
export function httpJson(url, { method = 'GET', body, headers = {}, timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const data =
      body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))
    const req = http.request(
      url,
      {
        method,
        agent: false,
        headers: {
          ...headers,
          ...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}),
        },
        timeout: timeoutMs,
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (d) => {
          text += d
        })
        res.on('end', () => {
          let json
          try {
            json = JSON.parse(text)
          } catch {
            json = undefined
          }
          resolve({ status: res.statusCode, headers: res.headers, text, json })
        })
      },
    )
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end(data)
  })
}

/** Polls `url` until it answers 200; returns ms since `since` (performance.now() time origin). */
export async function waitHealthy(url, { since, timeoutMs = 30_000, everyMs = 5, proc } = {}) {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (proc?.exited) throw new Error(`${proc.label} exited (${proc.exitCode}):\n${proc.output.slice(-2000)}`)
    try {
      const r = await httpJson(url, { timeoutMs: 1000 })
      if (r.status === 200) return performance.now() - since
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, everyMs))
  }
  throw new Error(`${url} not healthy within ${timeoutMs} ms`)
}

/** A free loopback port (bound and released; the small race is acceptable for a benchmark). */
export async function freePort() {
  const net = await import('node:net')
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

function procTicks(pid, withChildren) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ')
    // fields after the comm: state(0) ... utime(11) stime(12) cutime(13) cstime(14)
    const own = Number(f[11]) + Number(f[12])
    return withChildren ? own + Number(f[13]) + Number(f[14]) : own
  } catch {
    return 0
  }
}

/**
 * CPU accounting of the whole machine against this run's own processes, so the report can say
 * how much of the machine *other* processes used while a scenario ran (a shared box is noisy).
 */
export function cpuSample() {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
  const [user, nice, system, , , , , steal] = line
  let ours = procTicks(process.pid, true)
  for (const c of children) ours += procTicks(c.pid, false)
  return {
    at: performance.now(),
    // irq and softirq count in the total but not as anyone's work: our own loopback traffic
    // is accounted there.
    busy: user + nice + system + steal,
    total: line.slice(0, 8).reduce((a, b) => a + b, 0),
    ours,
  }
}

/** Shares of the machine (0..1 of all cores) used by others and by us between two samples. */
export function cpuShares(a, b) {
  const total = b.total - a.total
  if (total <= 0) return { foreign: 0, ours: 0, seconds: 0 }
  const busy = b.busy - a.busy
  const ours = Math.min(busy, Math.max(0, b.ours - a.ours))
  return { foreign: Math.max(0, busy - ours) / total, ours: ours / total, seconds: (b.at - a.at) / 1000 }
}

/** Waits (bounded) until other processes use less than `maxForeign` of the machine. */
export async function waitForQuiet({ maxForeign = 0.15, sampleMs = 1000, maxWaitMs = 60_000, log } = {}) {
  const deadline = performance.now() + maxWaitMs
  let last
  let said = 0
  while (performance.now() < deadline) {
    const a = cpuSample()
    await new Promise((r) => setTimeout(r, sampleMs))
    last = cpuShares(a, cpuSample()).foreign
    if (last <= maxForeign) return { quiet: true, foreign: last }
    if (performance.now() - said > 10_000) {
      said = performance.now()
      log?.(
        `machine busy with other processes (${Math.round(last * 100)}% of all cores); waiting up to ${maxWaitMs / 1000} s`,
      )
    }
  }
  return { quiet: false, foreign: last }
}

/** CPU time (user + system) a process has used so far, in ms. */
export function cpuMsOf(pid) {
  return procTicks(pid, false) * 10
}
