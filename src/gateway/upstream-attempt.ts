/**
 * One attempt against one provider with one credential: build the upstream body (pass-through
 * when the client already speaks the provider's API, translated otherwise), attach the
 * credential the way that API wants it, send, and classify any failure.
 */
import { type Classification, classifyFailure } from '../auth/classify.ts'
import type { Candidate } from '../auth/resolve.ts'
import { OpenclawError } from '../errors.ts'
import {
  ANTHROPIC_VERSION,
  cachedCredentialHeaders,
  mergeBetaHeader,
} from '../providers/credential-headers.ts'
import { chatUrl } from '../providers/endpoints.ts'
import type { ProviderEndpoint } from '../providers/registry.ts'
import { INBOUND, UPSTREAM } from '../translate/index.ts'
import type { ChatRequest } from '../translate/ir.ts'
import type { AbortLike } from '../util/abort-like.ts'
import { redact } from '../util/redact.ts'
import type { InboundApi } from './error-response.ts'
import type { AttemptOutcome } from './failover.ts'
import {
  headerRecord,
  readBody,
  sendUpstream,
  type UpstreamResponse,
  UpstreamTransportError,
} from './upstream.ts'

/** Fields a client could use to redirect our credentials elsewhere: never forwarded (E-04). */
const DANGEROUS_FIELDS = [
  'api_base',
  'base_url',
  'baseURL',
  'api_key',
  'apiKey',
  'extra_headers',
  'headers',
  'url',
  'endpoint',
]

export interface RequestContext {
  inbound: InboundApi
  body: Record<string, unknown>
  /** The request body exactly as the client sent it (lets a pass-through skip re-encoding). */
  rawBody?: string
  stream: boolean
  clientHeaders: Record<string, string | undefined>
  signal: AbortLike
  now: () => number
  /** Parsed once, on the first cross-format attempt. */
  ir?: ChatRequest
}

export interface UpstreamSuccess {
  up: UpstreamResponse
  endpoint: ProviderEndpoint
  passthrough: boolean
  model: string
}

export function isPassthrough(inbound: InboundApi, api: ProviderEndpoint['api']): boolean {
  return (
    (inbound === 'openai' && api === 'openai-completions') ||
    (inbound === 'anthropic' && api === 'anthropic-messages')
  )
}

export function upstreamBody(ctx: RequestContext, endpoint: ProviderEndpoint, model: string): string {
  if (isPassthrough(ctx.inbound, endpoint.api)) {
    const reused = ctx.rawBody === undefined ? undefined : reuseClientBody(ctx.rawBody, ctx.body, model)
    if (reused !== undefined) return reused
    const clone: Record<string, unknown> = { ...ctx.body, model }
    for (const f of DANGEROUS_FIELDS) delete clone[f]
    return JSON.stringify(clone)
  }
  ctx.ir ??= INBOUND[ctx.inbound].parseRequest(ctx.body)
  const rendered = UPSTREAM[endpoint.api].renderRequest({ ...ctx.ir, model, stream: ctx.stream })
  // OpenAI itself wants max_completion_tokens (reasoning models refuse max_tokens); most
  // OpenAI-compatible servers (OpenRouter, vLLM, llama.cpp) only know max_tokens.
  if (
    endpoint.api === 'openai-completions' &&
    endpoint.id !== 'openai' &&
    'max_completion_tokens' in rendered
  ) {
    rendered.max_tokens = rendered.max_completion_tokens
    delete rendered.max_completion_tokens
  }
  return JSON.stringify(rendered)
}

/** Index after JSON whitespace (space, tab, CR, LF) from `i`. */
function skipWs(text: string, i: number): number {
  let c = text.charCodeAt(i)
  while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++i)
  return i
}

/** Where the value of a leading `"model"` key starts (`{ "model" :` then the value), or -1. */
function leadingModelValue(raw: string): number {
  let i = skipWs(raw, 0)
  if (raw.charCodeAt(i) !== 123) return -1
  i = skipWs(raw, i + 1)
  if (!raw.startsWith('"model"', i)) return -1
  i = skipWs(raw, i + 7)
  if (raw.charCodeAt(i) !== 58) return -1
  return skipWs(raw, i + 1)
}

/**
 * The client's own bytes, with only the model value swapped, when that is provably the same
 * request the re-encoded clone would be: no field we strip, and `model` the first key with
 * exactly one `"model"` token in the whole text (so no duplicate key can say otherwise).
 * Re-encoding a chat body costs more than everything else the gateway does to it.
 */
export function reuseClientBody(
  raw: string,
  body: Record<string, unknown>,
  model: string,
): string | undefined {
  for (const f of DANGEROUS_FIELDS) if (Object.hasOwn(body, f)) return undefined
  const current = body.model
  if (typeof current !== 'string') return undefined
  const start = leadingModelValue(raw)
  if (start < 0) return undefined
  const quoted = jsonString(current)
  if (!raw.startsWith(quoted, start)) return undefined
  if (raw.indexOf('"model"', start) !== -1) return undefined
  if (current === model) return raw
  return `${raw.slice(0, start)}${jsonString(model)}${raw.slice(start + quoted.length)}`
}

/** Model ids are plain ASCII: quoting them by hand is what JSON.stringify would do, cheaper. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

function jsonString(s: string): string {
  return PLAIN.test(s) ? `"${s}"` : JSON.stringify(s)
}

export async function attemptUpstream(
  ctx: RequestContext,
  endpoint: ProviderEndpoint,
  model: string,
  c: Candidate,
): Promise<AttemptOutcome<UpstreamSuccess>> {
  const label = c.kind === 'profile' ? `profile ${c.profileId}` : c.source
  const secret = c.secret
  if (secret === undefined) throw new OpenclawError('no_credentials', `No secret available for ${label}.`)
  let auth: Readonly<Record<string, string>>
  try {
    auth = cachedCredentialHeaders(endpoint.api, c.mode, secret, label)
  } catch (err) {
    if (!OpenclawError.isInstance(err) || err.code !== 'invalid_credential') throw err
    // This value can never be sent: disable it for long (auth_permanent; a new key clears
    // that) and let the failover try the next credential, instead of failing the request.
    return {
      ok: false,
      classification: {
        reason: 'auth_permanent',
        detail: err.message,
        ...(err.hint ? { hint: err.hint } : {}),
      },
    }
  }
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: ctx.stream ? 'text/event-stream' : 'application/json',
  }
  for (const k in endpoint.headers) headers[k] = endpoint.headers[k]!
  for (const k in auth) headers[k] = auth[k]!
  if (endpoint.api === 'anthropic-messages') {
    const clientVersion = ctx.inbound === 'anthropic' ? ctx.clientHeaders['anthropic-version'] : undefined
    headers['anthropic-version'] = clientVersion ?? ANTHROPIC_VERSION
    const clientBeta = ctx.inbound === 'anthropic' ? ctx.clientHeaders['anthropic-beta'] : undefined
    const beta = mergeBetaHeader(clientBeta, headers['anthropic-beta'])
    if (beta) headers['anthropic-beta'] = beta
  }
  const body = upstreamBody(ctx, endpoint, model)
  let up: UpstreamResponse
  try {
    up = await sendUpstream({
      url: chatUrl(endpoint, model, ctx.stream),
      headers,
      body,
      timeoutMs: endpoint.timeoutMs,
      signal: ctx.signal,
    })
  } catch (err) {
    if (err instanceof UpstreamTransportError) {
      return {
        ok: false,
        classification: classifyFailure({
          transport: err.transport,
          message: err.message,
          provider: endpoint.id,
        }),
      }
    }
    throw err
  }
  if (up.status >= 300 && up.status < 400) {
    up.body.discard()
    const cls: Classification = {
      reason: 'unknown',
      detail: `HTTP ${up.status}: ${endpoint.id} redirected; redirects are never followed with credentials. Check models.providers.${endpoint.id}.baseUrl.`,
    }
    return { ok: false, classification: cls, status: up.status, clientError: true }
  }
  if (up.status >= 400 || up.status < 200) {
    const text = await readBody(up.body, 1024 * 1024).catch(() => '')
    const cls = classifyFailure({
      status: up.status,
      bodyText: text,
      headers: headerRecord(up.headers),
      provider: endpoint.id,
      now: ctx.now(),
    })
    // Providers echo the key they refused (plain, base64, URL-encoded); the detail reaches
    // clients and logs, so the secret we sent is taken out in every form it travels in (R6).
    cls.detail = redact(cls.detail, [secret])
    if (cls.hint) cls.hint = redact(cls.hint, [secret])
    const clientError = cls.reason === 'format' || up.status === 413 || up.status === 422
    return { ok: false, classification: cls, status: up.status, clientError }
  }
  return { ok: true, value: { up, endpoint, passthrough: isPassthrough(ctx.inbound, endpoint.api), model } }
}
