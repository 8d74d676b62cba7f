#!/usr/bin/env node
/**
 * The benchmark's mock upstream: lean and fast, not faithful (test/support/mock-provider is the
 * faithful one). Raw sockets, prebuilt fixed-size answers for
 *   POST /v1/chat/completions            (OpenAI; JSON, or SSE when the body says "stream":true)
 *   POST /v1/messages                    (Anthropic; same)
 *   POST /v1beta/models/<m>:generateContent | :streamGenerateContent   (Gemini; same)
 * A key containing `rl429` (x-api-key, Bearer, x-goog-api-key) gets a 429 with Retry-After.
 * Every SSE event carries `"bench_t":"<ns>"`, the process.hrtime (CLOCK_MONOTONIC, shared by
 * all processes on the host) taken just before the event was written, so a client can tell
 * how long the event took to reach it.
 *
 * Control (same port): GET /__bench/stats, POST /__bench/config {json}, POST /__bench/reset.
 * Usage: node bench/mock-upstream.mjs [--port N]; prints {"port":N} on stdout when listening.
 */
import net from 'node:net'
import { parseArgs } from 'node:util'
import { RequestParser } from './lib/http1.mjs'

const { values: argv } = parseArgs({ options: { port: { type: 'string', default: '0' } } })

const cfg = {
  /** Delay before the answer (JSON) or before the SSE headers. */
  delayMs: 0,
  /** SSE: time from headers to the first event, then between events. */
  sseFirstMs: 5,
  sseCadenceMs: 2,
  /** SSE: number of content deltas (plus the fixed start/stop events of each API). */
  sseDeltas: 16,
  retryAfterS: 45,
  limitMarker: 'rl429',
}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6
/** Wall clock with sub-ms resolution: the storm check compares it with the gateway's own log times. */
const wallMs = () => performance.timeOrigin + performance.now()

let stats
function resetStats() {
  stats = { total: 0, byPath: {}, byKey: new Map(), limited: new Map(), maxInflightSse: 0 }
}
resetStats()
let inflightSse = 0

const TEXT = 'The quick brown fox jumps over the lazy dog. '.repeat(7).trim()

function httpResponse(status, reason, contentType, body, extra = '') {
  const b = Buffer.from(body)
  return Buffer.concat([
    Buffer.from(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: ${contentType}\r\ncontent-length: ${b.length}\r\n` +
        `x-request-id: req_bench\r\n${extra}\r\n`,
    ),
    b,
  ])
}

const JSON_OK = {
  openai: JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1700000000,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: TEXT }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 42, completion_tokens: 64, total_tokens: 106 },
  }),
  anthropic: JSON.stringify({
    id: 'msg_bench',
    type: 'message',
    role: 'assistant',
    model: 'claude-bench',
    content: [{ type: 'text', text: TEXT }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 42, output_tokens: 64 },
  }),
  gemini: JSON.stringify({
    candidates: [{ content: { parts: [{ text: TEXT }], role: 'model' }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 42, candidatesTokenCount: 64, totalTokenCount: 106 },
    modelVersion: 'gemini-bench',
  }),
}
const RL_BODY = {
  openai: JSON.stringify({
    error: { message: 'Rate limit reached (bench)', type: 'requests', code: 'rate_limit_exceeded' },
  }),
  anthropic: JSON.stringify({
    type: 'error',
    error: { type: 'rate_limit_error', message: 'Rate limited (bench)' },
  }),
  gemini: JSON.stringify({
    error: { code: 429, message: 'Resource has been exhausted (bench)', status: 'RESOURCE_EXHAUSTED' },
  }),
}
const OK = Object.fromEntries(
  Object.entries(JSON_OK).map(([api, body]) => [api, httpResponse(200, 'OK', 'application/json', body)]),
)
let RL = {}
function buildRateLimited() {
  RL = Object.fromEntries(
    Object.entries(RL_BODY).map(([api, body]) => [
      api,
      httpResponse(429, 'Too Many Requests', 'application/json', body, `retry-after: ${cfg.retryAfterS}\r\n`),
    ]),
  )
}
buildRateLimited()
const NOT_FOUND = httpResponse(404, 'Not Found', 'application/json', '{"error":"no such route (bench mock)"}')
const SSE_HEAD = Buffer.from(
  'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n' +
    'x-request-id: req_bench\r\ntransfer-encoding: chunked\r\n\r\n',
)

/** The SSE events of one stream, each a function of its send stamp. */
function sseEvents(api) {
  const n = cfg.sseDeltas
  const word = (i) => `w${i} `
  if (api === 'anthropic') {
    const ev = (name, obj) => (t) => `event: ${name}\ndata: ${JSON.stringify({ ...obj, bench_t: t })}\n\n`
    return [
      ev('message_start', {
        type: 'message_start',
        message: {
          id: 'msg_bench',
          type: 'message',
          role: 'assistant',
          model: 'claude-bench',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 42, output_tokens: 1 },
        },
      }),
      ev('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      }),
      ...Array.from({ length: n }, (_, i) =>
        ev('content_block_delta', {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text: word(i) },
        }),
      ),
      ev('content_block_stop', { type: 'content_block_stop', index: 0 }),
      ev('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: n },
      }),
      ev('message_stop', { type: 'message_stop' }),
    ]
  }
  if (api === 'openai') {
    const chunk = (delta, finish) => ({
      id: 'chatcmpl-bench',
      object: 'chat.completion.chunk',
      created: 1700000000,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, delta, finish_reason: finish }],
    })
    const ev =
      (obj, tail = '') =>
      (t) =>
        `data: ${JSON.stringify({ ...obj, bench_t: t })}\n\n${tail}`
    return [
      ev(chunk({ role: 'assistant', content: '' }, null)),
      ...Array.from({ length: n }, (_, i) => ev(chunk({ content: word(i) }, null))),
      ev(chunk({}, 'stop'), 'data: [DONE]\n\n'),
    ]
  }
  const ev = (obj) => (t) => `data: ${JSON.stringify({ ...obj, bench_t: t })}\r\n\r\n`
  return [
    ...Array.from({ length: n }, (_, i) =>
      ev({ candidates: [{ content: { parts: [{ text: word(i) }], role: 'model' }, index: 0 }] }),
    ),
    ev({
      candidates: [{ content: { parts: [{ text: '' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 42, candidatesTokenCount: n, totalTokenCount: 42 + n },
    }),
  ]
}

function writeChunk(socket, text) {
  socket.write(`${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`)
}

function streamSse(socket, api) {
  const events = sseEvents(api)
  inflightSse++
  stats.maxInflightSse = Math.max(stats.maxInflightSse, inflightSse)
  socket.write(SSE_HEAD)
  const start = performance.now()
  let i = 0
  const next = () => {
    if (socket.destroyed) {
      inflightSse--
      return
    }
    const text = events[i](process.hrtime.bigint().toString())
    i++
    if (i === events.length) {
      socket.write(`${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n0\r\n\r\n`)
      inflightSse--
      return
    }
    writeChunk(socket, text)
    const due = start + cfg.sseFirstMs + i * cfg.sseCadenceMs
    setTimeout(next, Math.max(0, due - performance.now()))
  }
  setTimeout(next, cfg.sseFirstMs)
}

const KEY_RES = [/\r\nx-api-key:[ \t]*([^\r\n]+)/i, /\r\nx-goog-api-key:[ \t]*([^\r\n]+)/i]
const BEARER_RE = /\r\nauthorization:[ \t]*Bearer[ \t]+([^\r\n]+)/i
function keyOf(head, path) {
  for (const re of KEY_RES) {
    const m = re.exec(head)
    if (m) return m[1].trim()
  }
  const b = BEARER_RE.exec(head)
  if (b) return b[1].trim()
  const q = /[?&]key=([^&]+)/.exec(path)
  return q ? q[1] : '(none)'
}

function apiOf(path) {
  if (path.startsWith('/v1/chat/completions')) return 'openai'
  if (path.startsWith('/v1/messages')) return 'anthropic'
  if (path.startsWith('/v1beta/models/')) return 'gemini'
  return undefined
}

function control(socket, req) {
  const reply = (obj) => socket.write(httpResponse(200, 'OK', 'application/json', JSON.stringify(obj)))
  if (req.path === '/__bench/stats') {
    const keys = Object.fromEntries(stats.byKey)
    const limited = Object.fromEntries(stats.limited)
    return reply({
      total: stats.total,
      byPath: stats.byPath,
      keys,
      limited,
      maxInflightSse: stats.maxInflightSse,
      now: nowMs(),
    })
  }
  if (req.path === '/__bench/reset') {
    resetStats()
    return reply({ ok: true })
  }
  if (req.path === '/__bench/config') {
    Object.assign(cfg, JSON.parse(req.body.toString('utf8') || '{}'))
    buildRateLimited()
    return reply(cfg)
  }
  socket.write(NOT_FOUND)
}

function handle(socket, req) {
  if (req.path.startsWith('/__bench/')) return control(socket, req)
  const api = apiOf(req.path)
  if (!api || req.method !== 'POST') return socket.write(NOT_FOUND)
  stats.total++
  stats.byPath[api] = (stats.byPath[api] ?? 0) + 1
  const key = keyOf(req.head, req.path)
  stats.byKey.set(key, (stats.byKey.get(key) ?? 0) + 1)
  const limited = key.includes(cfg.limitMarker)
  if (limited) {
    // Arrival time of every call of a rate-limited key: the storm scenario checks that no call
    // comes in while the key should be cooling down.
    let rec = stats.limited.get(key)
    if (!rec) {
      rec = { calls: [], first429At: undefined }
      stats.limited.set(key, rec)
    }
    if (rec.calls.length < 10_000) rec.calls.push(wallMs())
  }
  const stream =
    api === 'gemini'
      ? req.path.includes(':streamGenerateContent')
      : /"stream"\s*:\s*true/.test(req.body.toString('latin1'))
  const answer = () => {
    if (socket.destroyed) return
    if (limited) {
      socket.write(RL[api])
      const rec = stats.limited.get(key)
      rec.first429At ??= wallMs()
      return
    }
    if (stream) streamSse(socket, api)
    else socket.write(OK[api])
  }
  if (cfg.delayMs > 0) setTimeout(answer, cfg.delayMs)
  else answer()
}

const server = net.createServer({ noDelay: true }, (socket) => {
  socket.setNoDelay(true)
  const parser = new RequestParser((req) => handle(socket, req))
  socket.on('data', (d) => {
    try {
      parser.push(d)
    } catch {
      socket.destroy()
    }
  })
  socket.on('error', () => {})
})
server.listen(Number(argv.port), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, pid: process.pid })}\n`)
})
process.on('SIGTERM', () => process.exit(0))
process.on('disconnect', () => process.exit(0))
