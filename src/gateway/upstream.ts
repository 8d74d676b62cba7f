/**
 * One upstream HTTP call. node:http(s) with keep-alive agents (cheaper per request than fetch),
 * an idle timeout, abort propagation from the client, and redirects never followed: a 3xx is
 * returned as a failure so credentials never travel to another origin (E-05).
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import https from 'node:https'

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
  signal?: AbortSignal
}

export interface UpstreamResponse {
  status: number
  headers: IncomingHttpHeaders
  body: IncomingMessage
}

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' })
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' })

export function sendUpstream(req: UpstreamRequest): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    if (req.signal?.aborted)
      return reject(new UpstreamTransportError('aborted', 'request aborted by the client'))
    const isHttps = req.url.protocol === 'https:'
    const body = typeof req.body === 'string' ? Buffer.from(req.body) : req.body
    const outgoing = (isHttps ? https : http).request(req.url, {
      method: 'POST',
      agent: isHttps ? httpsAgent : httpAgent,
      headers: { ...req.headers, 'content-length': String(body.length) },
    })
    let settled = false
    const fail = (err: UpstreamTransportError) => {
      if (settled) return
      settled = true
      cleanup()
      outgoing.destroy()
      reject(err)
    }
    const onAbort = () => fail(new UpstreamTransportError('aborted', 'request aborted by the client'))
    const cleanup = () => req.signal?.removeEventListener('abort', onAbort)
    req.signal?.addEventListener('abort', onAbort, { once: true })
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
      // After headers, a client abort must still tear the upstream stream down.
      req.signal?.removeEventListener('abort', onAbort)
      if (req.signal) {
        const abortBody = () =>
          res.destroy(new UpstreamTransportError('aborted', 'request aborted by the client'))
        req.signal.addEventListener('abort', abortBody, { once: true })
        res.once('close', () => req.signal?.removeEventListener('abort', abortBody))
      }
      res.setTimeout?.(req.timeoutMs)
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res })
    })
    outgoing.end(body)
  })
}

/** Reads a (small) body fully, bounded; used for JSON answers and error bodies. */
export async function readBody(res: IncomingMessage, limit = 8 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of res) {
    size += (chunk as Buffer).length
    if (size > limit) {
      res.destroy()
      throw new UpstreamTransportError('reset', `upstream response larger than ${limit} bytes`)
    }
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

export function headerRecord(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v
  return out
}
