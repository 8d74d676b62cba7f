/**
 * One upstream HTTP call through undici's request API (keep-alive pools, cheaper per request
 * than node:http's client and than fetch), an idle timeout, abort propagation from the client,
 * and redirects never followed: a 3xx is returned as a failure so credentials never travel to
 * another origin (E-05).
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { Readable } from 'node:stream'
import type { Dispatcher, Agent as UndiciAgent } from 'undici'
import type { AbortLike } from '../util/abort-like.ts'
import { lazyRequire } from '../util/lazy-require.ts'
import { readAll, readAllBytes } from './http-util.ts'

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
  body: Readable
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
 * Only undici's Agent and its request API, not the package entry: that also loads fetch,
 * WebSocket, caches and mocks (~50 ms, the longest event-loop block of a 1,000-agent gateway
 * start in the bench); these two take ~20 ms. The paths are pinned with the version (~7.30),
 * and src/gateway/upstream.test.ts fails if they move.
 */
let undici:
  | {
      Agent: typeof UndiciAgent
      request: (this: Dispatcher, o: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>
    }
  | undefined
/** Loads the upstream client; the gateway calls it at start so no request pays for it. */
export function undiciParts(): NonNullable<typeof undici> {
  undici ??= {
    Agent: lazyRequire('undici/lib/dispatcher/agent.js'),
    request: lazyRequire('undici/lib/api/api-request.js'),
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
      // No redirect interceptor: undici's request API never follows a 3xx on its own.
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

export async function sendUpstream(req: UpstreamRequest): Promise<UpstreamResponse> {
  const signal = req.signal
  if (signal?.aborted) throw new UpstreamTransportError('aborted', 'request aborted by the client')
  const t = targetOf(req.url)
  let res: Dispatcher.ResponseData
  try {
    res = await undiciParts().request.call(agentFor(req.timeoutMs), {
      origin: t.origin,
      path: t.path,
      method: 'POST',
      headers: req.headers,
      body: req.body,
      signal: signal as never,
    })
  } catch (err) {
    throw transportOf(err, req.url.host, req.timeoutMs, signal?.aborted === true)
  }
  return {
    status: res.statusCode,
    headers: res.headers as IncomingHttpHeaders,
    body: res.body,
    host: req.url.host,
    timeoutMs: req.timeoutMs,
  }
}

/** Reads a (small) body fully, bounded; used for JSON answers and error bodies. */
export function readBody(res: Readable, limit = 8 * 1024 * 1024): Promise<string> {
  return readAll(
    res,
    limit,
    () => new UpstreamTransportError('reset', `upstream response larger than ${limit} bytes`),
  )
}

/** readBody without the decode, for answers passed to the client as they are. */
export function readBodyBytes(res: Readable, limit = 8 * 1024 * 1024): Promise<Buffer> {
  return readAllBytes(
    res,
    limit,
    () => new UpstreamTransportError('reset', `upstream response larger than ${limit} bytes`),
  )
}

export function headerRecord(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v
  return out
}
