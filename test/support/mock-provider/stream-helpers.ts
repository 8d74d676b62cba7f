/**
 * Writing responses: JSON bodies, and streams sent frame by frame (each frame its own
 * `res.write`, with an event-loop turn between frames) so clients see real incremental delivery.
 */
import type { ErrorReply, Exchange } from './exchange.ts'

export function sendJson(
  x: Exchange,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const { res } = x
  if (res.headersSent || res.destroyed) return
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  x.record.status = status
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  })
  res.end(text)
}

export function sendError(x: Exchange, reply: ErrorReply): void {
  sendJson(x, reply.status, reply.body ?? '', reply.headers)
}

/** Sends 200 + stream headers immediately (before any body frame). */
export function openStream(x: Exchange, contentType: string, headers: Record<string, string> = {}): void {
  x.record.status = 200
  x.res.writeHead(200, {
    'content-type': contentType,
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...headers,
  })
  x.res.flushHeaders()
}

/** One SSE event. Anthropic names its events; OpenAI and Gemini send bare `data:` lines. */
export function sseFrame(data: unknown, event?: string, eol = '\n'): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data)
  return `${event ? `event: ${event}${eol}` : ''}data: ${payload}${eol}${eol}`
}

/** Resolves true after `ms`, false as soon as the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false)
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer)
      resolve(false)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

function pause(x: Exchange): Promise<unknown> {
  if (x.chunkIntervalMs > 0) return sleep(x.chunkIntervalMs, x.signal)
  return new Promise((resolve) => setImmediate(resolve))
}

async function writeFrame(x: Exchange, frame: string): Promise<boolean> {
  if (x.signal.aborted || x.res.destroyed) return false
  x.res.write(frame)
  await pause(x)
  return !x.signal.aborted
}

/**
 * Streams `frames`. The first `firstCount` frames are "the first chunk(s)": after them the mock
 * emits 'first-chunk-sent' and, when gated, waits for `release(id)` before sending the rest.
 */
export async function playFrames(
  x: Exchange,
  frames: string[],
  firstCount: number,
  gated: boolean,
): Promise<void> {
  const boundary = Math.min(Math.max(firstCount, 1), frames.length)
  for (let i = 0; i < frames.length; i++) {
    if (!(await writeFrame(x, frames[i]!))) return
    if (i === boundary - 1) {
      x.firstChunkSent()
      if (gated && !(await x.gate())) return
    }
  }
  if (!x.res.destroyed) x.res.end()
}

/** Non-streaming gated response: hold the whole answer until released. */
export async function holdUntilReleased(x: Exchange, gated: boolean): Promise<boolean> {
  return gated ? x.gate() : !x.signal.aborted
}
