/**
 * The only code that talks to an OAuth token endpoint: form-encoded POST, a hard deadline,
 * no redirects (a 307 would re-send the refresh token to wherever it points), a bounded body.
 * Failures come back classified, with messages that never contain token material.
 */
import { classifyHttpFailure, type RefreshFailure } from './failure.ts'
import { parseTokenResponse, type TokenSet } from './token-response.ts'

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>

const MAX_BODY = 1024 * 1024

export interface TokenRequest {
  tokenUrl: string
  params: Record<string, string>
  timeoutMs: number
  now: () => number
  fetch?: FetchLike
}

export type TokenResult = { ok: true; tokens: TokenSet } | { ok: false; failure: RefreshFailure }

export async function postTokenRequest(req: TokenRequest): Promise<TokenResult> {
  const doFetch = req.fetch ?? fetch
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(new Error('deadline')), req.timeoutMs)
  try {
    let res: Response
    try {
      res = await doFetch(req.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams(req.params).toString(),
        redirect: 'manual',
        signal: controller.signal,
      })
    } catch (err) {
      return { ok: false, failure: transport(err, controller.signal.aborted, req.timeoutMs) }
    }
    let text: string
    try {
      text = await readBounded(res)
    } catch (err) {
      return { ok: false, failure: transport(err, controller.signal.aborted, req.timeoutMs) }
    }
    if (res.status >= 300 && res.status < 400) {
      return {
        ok: false,
        failure: {
          kind: 'transient',
          reason: 'rejected',
          detail: `token endpoint redirected (HTTP ${res.status}); not followed`,
        },
      }
    }
    if (res.status < 200 || res.status >= 300)
      return { ok: false, failure: classifyHttpFailure(res.status, text, secretParams(req.params)) }
    const parsed = parseTokenResponse(text, req.now())
    if (!parsed.ok)
      return { ok: false, failure: { kind: 'transient', reason: 'malformed', detail: parsed.detail } }
    return { ok: true, tokens: parsed.tokens }
  } finally {
    clearTimeout(timer)
  }
}

const SECRET_PARAMS = ['refresh_token', 'code', 'code_verifier', 'client_secret']

function secretParams(params: Record<string, string>): string[] {
  return SECRET_PARAMS.map((k) => params[k]).filter((v): v is string => typeof v === 'string')
}

function transport(err: unknown, aborted: boolean, timeoutMs: number): RefreshFailure {
  if (aborted) return { kind: 'transient', reason: 'timeout', detail: `no answer within ${timeoutMs} ms` }
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause
  const code = typeof cause?.code === 'string' ? cause.code : undefined
  // Only the error code: undici messages can quote request details.
  return {
    kind: 'transient',
    reason: 'network',
    detail: code
      ? `network error ${code}`
      : 'network error (connection failed or was closed before an answer)',
  }
}

async function readBounded(res: Response): Promise<string> {
  if (!res.body) return ''
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > MAX_BODY) {
      await reader.cancel()
      throw new Error('token endpoint answer larger than 1 MiB')
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}
