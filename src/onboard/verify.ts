/**
 * The real, minimal request onboarding makes before it saves anything (auth-spec 3.5): one
 * short completion against the provider's configured endpoint with exactly the credential that
 * would be saved. Redirects are not followed (a credential is only sent to its own origin).
 */

import { classifyFailure } from '../auth/classify.ts'
import type { CredentialType } from '../auth/types.ts'
import type { OpenclawConfig } from '../config/types.ts'
import { OpenclawError } from '../errors.ts'
import { ANTHROPIC_VERSION, credentialHeaders } from '../providers/credential-headers.ts'
import { chatUrl } from '../providers/endpoints.ts'
import { resolveProviderEndpoint } from '../providers/registry.ts'
import { redact } from '../util/redact.ts'

export interface VerifyRequest {
  provider: string
  mode: CredentialType
  secret: string
  /** Model id without the provider prefix. */
  model: string
  config: OpenclawConfig
  timeoutMs?: number
  fetch?: (url: string, init: RequestInit) => Promise<Response>
}

export type VerifyResult =
  | { ok: true; status: number; latencyMs: number }
  | { ok: false; error: OpenclawError }

const PROMPT = 'Reply with the single word OK.'

export async function verifyCredential(req: VerifyRequest): Promise<VerifyResult> {
  const ep = resolveProviderEndpoint(req.provider, req.config)
  if (!ep) {
    return {
      ok: false,
      error: new OpenclawError(
        'invalid_input',
        `Provider "${req.provider}" has no endpoint; set models.providers.${req.provider}.baseUrl.`,
      ),
    }
  }
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...ep.headers,
    ...credentialHeaders(ep.api, req.mode, req.secret, `${req.provider} (onboarding)`),
  }
  let body: unknown
  if (ep.api === 'anthropic-messages') {
    headers['anthropic-version'] = ANTHROPIC_VERSION
    body = { model: req.model, max_tokens: 8, messages: [{ role: 'user', content: PROMPT }] }
  } else if (ep.api === 'google-generative-ai') {
    body = {
      contents: [{ role: 'user', parts: [{ text: PROMPT }] }],
      generationConfig: { maxOutputTokens: 8 },
    }
  } else {
    const limit = ep.id === 'openai' ? { max_completion_tokens: 16 } : { max_tokens: 8 }
    body = { model: req.model, messages: [{ role: 'user', content: PROMPT }], ...limit }
  }
  const started = Date.now()
  const doFetch = req.fetch ?? fetch
  let res: Response
  let text: string
  try {
    res = await doFetch(chatUrl(ep, req.model, false).toString(), {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(req.timeoutMs ?? 30_000),
    })
    text = await res.text()
  } catch (err) {
    const timeout = (err as Error).name === 'TimeoutError'
    return {
      ok: false,
      error: new OpenclawError(
        'upstream',
        `Could not reach ${req.provider} at ${ep.origin} to verify the credential (${timeout ? 'timed out' : 'connection failed'}).`,
        {
          hint: 'Check the network (or models.providers.<id>.baseUrl) and run onboarding again. Nothing was saved.',
        },
      ),
    }
  }
  if (res.status >= 200 && res.status < 300)
    return { ok: true, status: res.status, latencyMs: Date.now() - started }
  const c = classifyFailure({
    status: res.status,
    bodyText: text.slice(0, 8192),
    provider: req.provider,
    headers: res.headers,
  })
  const what =
    c.reason === 'auth' || c.reason === 'auth_permanent'
      ? 'rejected the credential'
      : 'did not accept the test request'
  return {
    ok: false,
    error: new OpenclawError(
      'invalid_credential',
      // A provider may echo the key it refused; never repeat it (R6).
      `${req.provider} ${what} (${c.reason}: ${redact(c.detail, [req.secret])}). Nothing was saved.`,
      {
        ...(c.hint ? { hint: c.hint } : {}),
        details: { provider: req.provider, status: res.status, reason: c.reason },
      },
    ),
  }
}
