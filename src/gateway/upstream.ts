/**
 * One upstream HTTP call through undici's dispatcher (keep-alive pools, cheaper per request
 * than node:http's client and than fetch), an idle timeout, abort propagation from the client,
 * and redirects never followed: a 3xx is returned as a failure so credentials never travel to
 * another origin (E-05).
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { Agent as UndiciAgent } from 'undici'
import type { AbortLike } from '../util/abort-like.ts'
import { lazyRequire } from '../util/lazy-require.ts'
import { type BodyTransport, UpstreamBody } from './upstream-body.ts'

export type TransportFailure = 'timeout' | 'reset' | 'refused' | 'aborted'

export class UpstreamTransportError extends Error {
  readonly transport: TransportFailure
  constructor(transport: TransportFailure, message: string) {
    super(message)
    this.name = 'UpstreamTransportError'
    this.transport = transport
  }
}

export interface UpstreamRequest {
  url: URL
  headers: Record<string, string>
  /** A string leaves in one write together with the request head. */
  body: string | Buffer
  /** Idle timeout: time to headers and between body chunks. */
  timeoutMs: number
  signal?: AbortLike
}

export interface UpstreamResponse {
  status: number
  headers: IncomingHttpHeaders
  body: UpstreamBody
  /** For naming a failure of the body (bodyFailure). */
  host: string
  timeoutMs: number
}

/**
 * One undici Agent (a keep-alive pool per origin) per idle timeout. undici's client costs less
 * CPU per request than node:http's (no ClientRequest/IncomingMessage machinery per call): paired
 * runs of the bench measured ~5% less gateway CPU per request and ~12% more saturated req/s.
 * headersTimeout and bodyTimeout are the idle timeout before the head and between body chunks.
 */
const agents = new Map<number, UndiciAgent>()

/**
 * Only undici's Agent and its header parser, not the package entry: that also loads fetch,
 * WebSocket, caches and mocks (~50 ms, the longest event-loop block of a 1,000-agent gateway
 * start in the bench); these take ~20 ms. The paths are pinned with the version (~7.30), and
 * src/gateway/upstream.test.ts fails if they move.
 */
let undici:
  | {
      Agent: typeof UndiciAgent
      parseHeaders: (raw: Buffer[]) => IncomingHttpHeaders
    }
  | undefined
/** Loads the upstream client; the gateway calls it at start so no request pays for it. */
export function undiciParts(): NonNullable<typeof undici> {
  undici ??= {
    Agent: lazyRequire('undici/lib/dispatcher/agent.js'),
    parseHeaders: (
      lazyRequire('undici/lib/core/util.js') as { parseHeaders: (raw: Buffer[]) => IncomingHttpHeaders }
    ).parseHeaders,
  }
  return undici
}

function agentFor(timeoutMs: number): UndiciAgent {
  let a = agents.get(timeoutMs)
  if (!a) {
    a = new (undiciParts().Agent)({
      connections: 256,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connectTimeout: timeoutMs,
      keepAliveTimeout: 30_000,
      // No redirect interceptor: undici's dispatcher never follows a 3xx on its own.
    })
    agents.set(timeoutMs, a)
  }
  return a
}

const origins = new WeakMap<URL, { origin: string; path: string }>()

/** Origin and path per URL object; endpoint URLs are cached, so this runs once per provider. */
function targetOf(url: URL): { origin: string; path: string } {
  let t = origins.get(url)
  if (!t) {
    t = { origin: url.origin, path: `${url.pathname}${url.search}` }
    origins.set(url, t)
  }
  return t
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
])

function codeOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined
  const code = e?.code ?? e?.cause?.code
  return typeof code === 'string' ? code : undefined
}

/** undici's and the system's error codes, as the transport failure kinds failover reads. */
function transportOf(
  err: unknown,
  host: string,
  timeoutMs: number,
  aborted: boolean,
): UpstreamTransportError {
  if (err instanceof UpstreamTransportError) return err
  const code = codeOf(err) ?? 'ERR'
  if (aborted || code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR')
    return new UpstreamTransportError('aborted', 'request aborted by the client')
  if (TIMEOUT_CODES.has(code))
    return new UpstreamTransportError('timeout', `no response from ${host} within ${timeoutMs} ms`)
  // Only the error code: the message of some errors can quote request details.
  const short = code.startsWith('UND_ERR_') ? code.slice('UND_ERR_'.length) : code
  return new UpstreamTransportError(
    code === 'ECONNREFUSED' ? 'refused' : 'reset',
    `connection to ${host} failed (${short})`,
  )
}

/**
 * What broke a response body mid-way (idle timeout, reset, client abort), or undefined for an
 * error that is not the transport's (a translation error, say).
 */
export function bodyFailure(err: unknown, up: UpstreamResponse): UpstreamTransportError | undefined {
  if (err instanceof UpstreamTransportError) return err
  const e = err as { name?: unknown } | undefined
  if (codeOf(err) === undefined && e?.name !== 'AbortError') return undefined
  return transportOf(err, up.host, up.timeoutMs, e?.name === 'AbortError')
}

const abortedByClient = () => new UpstreamTransportError('aborted', 'request aborted by the client')

/**
 * undici's own handler interface (onConnect, onHeaders, onData, onComplete, onError), the one
 * its dispatcher calls without an adapter; the response body goes straight into an UpstreamBody.
 */
class UpstreamCall implements BodyTransport {
  private readonly req: UpstreamRequest
  private readonly resolve: (up: UpstreamResponse) => void
  private readonly reject: (err: UpstreamTransportError) => void
  private abortTransfer: ((err: Error) => void) | undefined
  private resumeTransfer: (() => void) | undefined
  private body: UpstreamBody | undefined
  private abortedBy: UpstreamTransportError | undefined
  private readonly onAbort = () => {
    this.abortedBy = abortedByClient()
    this.abortTransfer?.(this.abortedBy)
  }

  constructor(
    req: UpstreamRequest,
    resolve: (up: UpstreamResponse) => void,
    reject: (err: UpstreamTransportError) => void,
  ) {
    this.req = req
    this.resolve = resolve
    this.reject = reject
    req.signal?.addEventListener('abort', this.onAbort)
  }

  onConnect(abort: (err: Error) => void): void {
    // An abort while the request waited for a connection takes effect here.
    if (this.abortedBy) abort(this.abortedBy)
    else this.abortTransfer = abort
  }

  onHeaders(status: number, raw: Buffer[], resume: () => void): boolean {
    if (status < 200) return true // 1xx: the real head follows
    this.resumeTransfer = resume
    const body = new UpstreamBody(this)
    this.body = body
    this.resolve({
      status,
      headers: undiciParts().parseHeaders(raw),
      body,
      host: this.req.url.host,
      timeoutMs: this.req.timeoutMs,
    })
    return true
  }

  onData(chunk: Buffer): boolean {
    return this.body!.push(chunk)
  }

  onComplete(): void {
    const req = this.req
    req.signal?.removeEventListener('abort', this.onAbort)
    if (this.body) this.body.end()
    // Only 1xx heads and then the end: no answer to hand over.
    else
      this.reject(new UpstreamTransportError('reset', `connection to ${req.url.host} failed (no response)`))
  }

  onError(err: unknown): void {
    const req = this.req
    req.signal?.removeEventListener('abort', this.onAbort)
    const failure = transportOf(err, req.url.host, req.timeoutMs, this.abortedBy !== undefined)
    if (this.body) this.body.fail(failure)
    else this.reject(failure)
  }

  // BodyTransport, for the body's consumer.
  resume(): void {
    this.resumeTransfer?.()
  }

  cancel(err: Error): void {
    this.abortTransfer?.(err)
  }
}

export function sendUpstream(req: UpstreamRequest): Promise<UpstreamResponse> {
  if (req.signal?.aborted) return Promise.reject(abortedByClient())
  const t = targetOf(req.url)
  return new Promise((resolve, reject) => {
    // Errors, including ones dispatch meets before sending, arrive through onError.
    agentFor(req.timeoutMs).dispatch(
      { origin: t.origin, path: t.path, method: 'POST', headers: req.headers, body: req.body },
      new UpstreamCall(req, resolve, reject),
    )
  })
}

const tooLargeAfter = (limit: number) => () =>
  new UpstreamTransportError('reset', `upstream response larger than ${limit} bytes`)

/** Reads a (small) body fully, bounded; used for JSON answers and error bodies. */
export function readBody(body: UpstreamBody, limit = 8 * 1024 * 1024): Promise<string> {
  return body.text(limit, tooLargeAfter(limit))
}

/** readBody without the decode, for answers passed to the client as they are. */
export function readBodyBytes(body: UpstreamBody, limit = 8 * 1024 * 1024): Promise<Buffer> {
  return body.bytes(limit, tooLargeAfter(limit))
}

export function headerRecord(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v
  return out
}
