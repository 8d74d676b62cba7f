/**
 * Small HTTP helpers for the gateway's node:http server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

export const MAX_BODY_BYTES = 32 * 1024 * 1024

export class BodyError extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

export async function readJsonBody(
  req: IncomingMessage,
  limit = MAX_BODY_BYTES,
): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) throw new BodyError(413, `Request body larger than ${limit} bytes.`)
    chunks.push(chunk as Buffer)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new BodyError(400, 'Request body is not valid JSON.')
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new BodyError(400, 'Request body must be a JSON object.')
  }
  return parsed as Record<string, unknown>
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end()
    return
  }
  const text = JSON.stringify(body)
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  })
  res.end(text)
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}

/** Upstream response headers worth passing to clients (request ids and rate-limit info). */
export function forwardableHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue
    if (
      k === 'content-type' ||
      k === 'request-id' ||
      k === 'x-request-id' ||
      k.startsWith('anthropic-ratelimit-') ||
      k.startsWith('x-ratelimit-') ||
      k === 'retry-after'
    ) {
      out[k] = Array.isArray(v) ? v.join(', ') : v
    }
  }
  return out
}
