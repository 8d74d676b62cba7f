/**
 * One upstream HTTP call. node:http(s) with keep-alive agents (cheaper per request than fetch),
 * an idle timeout, abort propagation from the client, and redirects never followed: a 3xx is
 * returned as a failure so credentials never travel to another origin (E-05).
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import https from 'node:https'
import type { AbortLike } from '../util/abort-like.ts'
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
  body: IncomingMessage
}

/**
 * One keep-alive agent per scheme and idle timeout. The agent applies the timeout to each
 * socket once; setting it per request (`req.setTimeout`) re-armed a socket timer on every call
 * and the agent reset it to 0 each time the socket went back to the pool.
 */
const agents = new Map<string, http.Agent>()

function agentFor(secure: boolean, timeoutMs: number): http.Agent {
  const key = `${secure ? 's' : ''}${timeoutMs}`
  let a = agents.get(key)
  if (!a) {
    const opts = {
      keepAlive: true,
      maxSockets: 256,
      scheduling: 'lifo' as const,
      timeout: timeoutMs,
      noDelay: true,
    }
    a = secure ? new https.Agent(opts) : new http.Agent(opts)
    agents.set(key, a)
  }
  return a
}

interface Target {
  secure: boolean
  hostname: string
  port: string
  host: string
  path: string
}
const targets = new WeakMap<URL, Target>()

/** Request options per URL object; endpoint URLs are cached, so this runs once per provider. */
function targetOf(url: URL): Target {
  let t = targets.get(url)
  if (!t) {
    t = {
      secure: url.protocol === 'https:',
      // node:http wants a bare IPv6 literal, URL keeps the brackets.
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port,
      host: url.host,
      path: `${url.pathname}${url.search}`,
    }
    targets.set(url, t)
  }
  return t
}

export function sendUpstream(req: UpstreamRequest): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    const signal = req.signal
    if (signal?.aborted) return reject(new UpstreamTransportError('aborted', 'request aborted by the client'))
    const t = targetOf(req.url)
    // A flat [name, value, ...] list: Node writes the request head from it at once instead of
    // keeping a header map per request. Host given here, so Node neither builds nor re-parses it.
    const headers: string[] = []
    for (const k in req.headers) headers.push(k, req.headers[k]!)
    headers.push(
      'host',
      t.host,
      'content-length',
      String(typeof req.body === 'string' ? Buffer.byteLength(req.body) : req.body.length),
    )
    const outgoing = (t.secure ? https : http).request({
      hostname: t.hostname,
      port: t.port || (t.secure ? 443 : 80),
      path: t.path,
      method: 'POST',
      agent: agentFor(t.secure, req.timeoutMs),
      headers,
    })
    let settled = false
    let response: IncomingMessage | undefined
    const fail = (err: UpstreamTransportError) => {
      if (settled) return
      settled = true
      signal?.removeEventListener('abort', onAbort)
      outgoing.destroy()
      reject(err)
    }
    // One listener for the whole call: before the headers it fails the call, after them a
    // client abort must still tear the upstream stream down.
    const onAbort = () => {
      const err = new UpstreamTransportError('aborted', 'request aborted by the client')
      if (response) response.destroy(err)
      else fail(err)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    // The agent's socket timeout reaches the request as 'timeout', before and after the head.
    outgoing.on('timeout', () => {
      const err = new UpstreamTransportError(
        'timeout',
        `no response from ${req.url.host} within ${req.timeoutMs} ms`,
      )
      if (response) response.destroy(err)
      else fail(err)
    })
    outgoing.on('error', (e: NodeJS.ErrnoException) => {
      // Only the error code: the message of some errors can quote request details.
      const code = e.code ?? 'ERR'
      const kind: TransportFailure =
        code === 'ECONNREFUSED' ? 'refused' : code === 'ETIMEDOUT' ? 'timeout' : 'reset'
      fail(new UpstreamTransportError(kind, `connection to ${req.url.host} failed (${code})`))
    })
    outgoing.on('response', (res) => {
      if (settled) {
        res.destroy()
        return
      }
      settled = true
      response = res
      if (signal) res.once('close', () => signal.removeEventListener('abort', onAbort))
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res })
    })
    outgoing.end(req.body)
  })
}

/** Reads a (small) body fully, bounded; used for JSON answers and error bodies. */
export function readBody(res: IncomingMessage, limit = 8 * 1024 * 1024): Promise<string> {
  return readAll(
    res,
    limit,
    () => new UpstreamTransportError('reset', `upstream response larger than ${limit} bytes`),
  )
}

/** readBody without the decode, for answers passed to the client as they are. */
export function readBodyBytes(res: IncomingMessage, limit = 8 * 1024 * 1024): Promise<Buffer> {
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
