/**
 * One upstream HTTP call. node:http(s) with keep-alive agents (cheaper per request than fetch),
 * an idle timeout, abort propagation from the client, and redirects never followed: a 3xx is
 * returned as a failure so credentials never travel to another origin (E-05).
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import https from 'node:https'
import type { AbortLike } from '../util/abort-like.ts'
import { readAll } from './http-util.ts'

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

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' })
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' })

interface Target {
  https: boolean
  hostname: string
  port: string
  path: string
}
const targets = new WeakMap<URL, Target>()

/** Request options per URL object; endpoint URLs are cached, so this runs once per provider. */
function targetOf(url: URL): Target {
  let t = targets.get(url)
  if (!t) {
    t = {
      https: url.protocol === 'https:',
      // node:http wants a bare IPv6 literal, URL keeps the brackets.
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
    }
    targets.set(url, t)
  }
  return t
}

/** `req.headers` is taken over (content-length is added to it). */
export function sendUpstream(req: UpstreamRequest): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    const signal = req.signal
    if (signal?.aborted) return reject(new UpstreamTransportError('aborted', 'request aborted by the client'))
    const t = targetOf(req.url)
    const body = typeof req.body === 'string' ? Buffer.from(req.body) : req.body
    req.headers['content-length'] = String(body.length)
    const outgoing = (t.https ? https : http).request({
      protocol: t.https ? 'https:' : 'http:',
      hostname: t.hostname,
      ...(t.port ? { port: t.port } : {}),
      path: t.path,
      method: 'POST',
      agent: t.https ? httpsAgent : httpAgent,
      headers: req.headers,
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
    outgoing.setNoDelay(true)
    outgoing.setTimeout(req.timeoutMs, () =>
      fail(
        new UpstreamTransportError('timeout', `no response from ${req.url.host} within ${req.timeoutMs} ms`),
      ),
    )
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
      res.setTimeout?.(req.timeoutMs)
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res })
    })
    outgoing.end(body)
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

export function headerRecord(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v
  return out
}
