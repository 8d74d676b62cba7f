#!/usr/bin/env node
/**
 * Load generator, run as its own process and driven over IPC by bench/run.mjs. Keep-alive raw
 * HTTP/1.1 sockets to 127.0.0.1 only; every mode is bounded by a request count and a time.
 *
 * Messages: { id, cmd: 'closed' | 'rate' | 'sse', ... } -> { id, result } or { id, error }.
 * - closed: `concurrency` loops each sending the next request as soon as the previous answered
 *   (c=1 is the sequential latency test); stops at `maxRequests` or `durationMs`.
 * - rate:   open loop at `rate` req/s for `durationMs`; latency is measured from the *intended*
 *   send time, so a stalled server cannot hide its queueing (no coordinated omission).
 * - sse:    `n` streams one after another; for each SSE event, when it arrived here against the
 *   `bench_t` stamp the mock put in it just before writing it.
 */
import net from 'node:net'
import { ResponseParser } from './lib/http1.mjs'

const HOST = '127.0.0.1'

function buildRequest(t) {
  const body = Buffer.from(t.body ?? '')
  let head = `${t.method ?? 'POST'} ${t.path} HTTP/1.1\r\nhost: ${HOST}:${t.port}\r\n`
  if (t.body !== undefined) head += `content-type: application/json\r\ncontent-length: ${body.length}\r\n`
  for (const [k, v] of Object.entries(t.headers ?? {})) head += `${k}: ${v}\r\n`
  return Buffer.concat([Buffer.from(`${head}\r\n`), body])
}

class Conn {
  constructor(port) {
    this.parser = new ResponseParser()
    this.dead = false
    this.current = undefined
    this.socket = net.connect({ host: HOST, port, noDelay: true })
    this.socket.on('data', (d) => {
      try {
        this.parser.push(d)
      } catch (err) {
        this.kill(`parse: ${err.message}`)
      }
    })
    this.socket.on('error', (err) => this.kill(err.code ?? 'socket error'))
    this.socket.on('close', () => this.kill('closed'))
  }

  /** Sends one request; `h` gets onHead/onData/onEnd(status) or onError(reason). */
  send(buf, h) {
    this.current = h
    this.startedAt = performance.now()
    this.parser.expect({
      onHead: h.onHead,
      onData: h.onData,
      onEnd: (status) => {
        this.current = undefined
        h.onEnd(status)
      },
    })
    this.socket.write(buf)
  }

  kill(reason) {
    if (this.dead) return
    this.dead = true
    this.socket.destroy()
    const h = this.current
    this.current = undefined
    h?.onError(reason)
  }
}

function summarize(lat) {
  if (lat.length === 0) return { n: 0 }
  const s = Float64Array.from(lat).sort()
  const q = (p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]
  let sum = 0
  for (const v of s) sum += v
  return {
    n: s.length,
    mean: sum / s.length,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    min: s[0],
    max: s[s.length - 1],
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Closed loop: `concurrency` connections, each back to back. */
async function closed(msg) {
  const { target, concurrency, warmupMs = 0, durationMs, maxRequests = Number.MAX_SAFE_INTEGER } = msg
  const timeoutMs = msg.timeoutMs ?? 10_000
  const buf = buildRequest(target)
  const statuses = {}
  const errors = {}
  const lat = []
  let completed = 0
  let warmupCompleted = 0
  let measuring = warmupMs === 0
  let stopAt = performance.now() + warmupMs + durationMs
  let measureStart = performance.now()
  let started = 0
  if (warmupMs > 0)
    setTimeout(() => {
      measuring = true
      measureStart = performance.now()
      stopAt = measureStart + durationMs
    }, warmupMs)
  const loop = (conn) =>
    new Promise((resolve) => {
      const next = () => {
        if (performance.now() >= stopAt || (measuring && started >= maxRequests)) return resolve()
        if (conn.dead) conn = new Conn(target.port)
        const t0 = performance.now()
        const counted = measuring
        if (counted) started++
        const timer = setTimeout(() => conn.kill('timeout'), timeoutMs)
        conn.send(buf, {
          onEnd: (status) => {
            clearTimeout(timer)
            if (counted) {
              lat.push(performance.now() - t0)
              statuses[status] = (statuses[status] ?? 0) + 1
              completed++
            } else warmupCompleted++
            next()
          },
          onError: (reason) => {
            clearTimeout(timer)
            if (counted) errors[reason] = (errors[reason] ?? 0) + 1
            setImmediate(next)
          },
        })
      }
      next()
    })
  const conns = Array.from({ length: concurrency }, () => new Conn(target.port))
  await Promise.all(conns.map((c) => loop(c)))
  const elapsed = performance.now() - measureStart
  for (const c of conns) c.socket.destroy()
  const ok = Object.entries(statuses)
    .filter(([s]) => s >= 200 && s < 300)
    .reduce((a, [, n]) => a + n, 0)
  return {
    completed,
    warmupCompleted,
    ok,
    statuses,
    errors,
    elapsedMs: elapsed,
    rps: (ok * 1000) / elapsed,
    lat: summarize(lat),
  }
}

/** Open loop at a fixed rate. */
async function rate(msg) {
  const { target, rate: rps, durationMs, maxConns = 256 } = msg
  const timeoutMs = msg.timeoutMs ?? 5000
  const buf = buildRequest(target)
  const interval = 1000 / rps
  const total = Math.floor((durationMs / 1000) * rps)
  const idle = []
  const all = []
  const queue = []
  const lat = []
  const statuses = {}
  const errors = {}
  let inflight = 0
  let scheduled = 0
  let maxQueue = 0
  const open = () => {
    const c = new Conn(target.port)
    all.push(c)
    return c
  }
  for (let i = 0; i < Math.min(maxConns, 32); i++) idle.push(open())
  await sleep(50)
  const start = performance.now()
  let done
  const finished = new Promise((r) => {
    done = r
  })
  const dispatch = (conn, intended) => {
    inflight++
    const timer = setTimeout(() => conn.kill('timeout'), timeoutMs)
    conn.send(buf, {
      onEnd: (status) => {
        clearTimeout(timer)
        inflight--
        lat.push(performance.now() - intended)
        statuses[status] = (statuses[status] ?? 0) + 1
        release(conn)
      },
      onError: (reason) => {
        clearTimeout(timer)
        inflight--
        errors[reason] = (errors[reason] ?? 0) + 1
        release(undefined)
      },
    })
  }
  const release = (conn) => {
    if (queue.length > 0) {
      const c = conn && !conn.dead ? conn : all.length < maxConns + 64 ? open() : undefined
      if (c) return dispatch(c, queue.shift())
    }
    if (conn && !conn.dead) idle.push(conn)
    if (scheduled >= total && inflight === 0 && queue.length === 0) done()
  }
  const tick = setInterval(() => {
    const now = performance.now()
    const due = Math.min(total, Math.floor((now - start) / interval) + 1)
    while (scheduled < due) {
      const intended = start + scheduled * interval
      scheduled++
      let conn = idle.pop()
      while (conn?.dead) conn = idle.pop()
      if (!conn && all.filter((c) => !c.dead).length < maxConns) conn = open()
      if (conn) dispatch(conn, intended)
      else queue.push(intended)
    }
    maxQueue = Math.max(maxQueue, queue.length)
    if (scheduled >= total) {
      clearInterval(tick)
      if (inflight === 0 && queue.length === 0) done()
    }
  }, 1)
  const drainLimit = sleep(durationMs + timeoutMs + 1000).then(() => 'timeout')
  await Promise.race([finished, drainLimit])
  clearInterval(tick)
  const unfinished = inflight + queue.length + (total - scheduled)
  if (unfinished > 0) errors.unfinished = unfinished
  for (const c of all) c.socket.destroy()
  const elapsed = performance.now() - start
  const ok = Object.entries(statuses)
    .filter(([s]) => s >= 200 && s < 300)
    .reduce((a, [, n]) => a + n, 0)
  const non2xx = Object.entries(statuses)
    .filter(([s]) => !(s >= 200 && s < 300))
    .reduce((a, [, n]) => a + n, 0)
  const errorCount = non2xx + Object.values(errors).reduce((a, n) => a + n, 0)
  return {
    target: total,
    ok,
    statuses,
    errors,
    errorCount,
    maxQueue,
    connections: all.length,
    elapsedMs: elapsed,
    achievedRps: (ok * 1000) / Math.max(durationMs, elapsed),
    lat: summarize(lat),
  }
}

const STAMP_RE = /"bench_t":"(\d+)"/g

/** One SSE stream: arrival of every stamped event. */
function oneStream(conn, buf, timeoutMs) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint()
    let headAt
    let status = 0
    let text = ''
    let scanFrom = 0
    const events = []
    const timer = setTimeout(() => conn.kill('timeout'), timeoutMs)
    conn.send(buf, {
      onHead: (s) => {
        status = s
        headAt = process.hrtime.bigint()
      },
      onData: (slice) => {
        const now = process.hrtime.bigint()
        text += slice.toString('utf8')
        STAMP_RE.lastIndex = scanFrom
        for (let m = STAMP_RE.exec(text); m; m = STAMP_RE.exec(text)) {
          events.push({ stamp: BigInt(m[1]), at: now })
          scanFrom = STAMP_RE.lastIndex
        }
      },
      onEnd: () => {
        clearTimeout(timer)
        const endAt = process.hrtime.bigint()
        const ms = (a, b) => Number(a - b) / 1e6
        if (status !== 200 || events.length === 0) {
          return resolve({ ok: false, status, snippet: text.slice(0, 300) })
        }
        const delays = events.map((e) => ms(e.at, e.stamp))
        const first = events[0]
        const last = events[events.length - 1]
        resolve({
          ok: true,
          events: events.length,
          headersMs: ms(headAt, t0),
          firstChunkMs: ms(first.at, t0),
          lastChunkMs: ms(endAt, t0),
          firstDelayMs: delays[0],
          lastDelayMs: ms(last.at, last.stamp),
          maxDelayMs: Math.max(...delays),
          medianDelayMs: [...delays].sort((a, b) => a - b)[delays.length >> 1],
        })
      },
      onError: (reason) => {
        clearTimeout(timer)
        resolve({ ok: false, status, error: reason, snippet: text.slice(0, 300) })
      },
    })
  })
}

async function sse(msg) {
  const { target, n } = msg
  const buf = buildRequest(target)
  let conn = new Conn(target.port)
  const out = []
  for (let i = 0; i < n; i++) {
    if (conn.dead) conn = new Conn(target.port)
    out.push(await oneStream(conn, buf, msg.timeoutMs ?? 10_000))
  }
  conn.socket.destroy()
  return out
}

const COMMANDS = { closed, rate, sse }

process.on('message', async (msg) => {
  try {
    const fn = COMMANDS[msg.cmd]
    if (!fn) throw new Error(`unknown command ${msg.cmd}`)
    process.send({ id: msg.id, result: await fn(msg) })
  } catch (err) {
    process.send({ id: msg.id, error: String(err?.stack ?? err) })
  }
})
process.on('disconnect', () => process.exit(0))
process.send({ ready: true, pid: process.pid })
