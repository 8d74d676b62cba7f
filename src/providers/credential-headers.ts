/**
 * How each API kind carries each credential type, in one place (DECISIONS section 7):
 * Anthropic API keys go in `x-api-key`; setup-tokens (`sk-ant-oat01-`) and OAuth access tokens
 * go as Bearer plus the OAuth beta header. OpenAI-compatible APIs use Bearer. Gemini keys use
 * `x-goog-api-key` (never `?key=`, which would put the key in URLs and logs).
 */
import type { CredentialType } from '../auth/types.ts'
import type { ProviderApi } from '../config/types.ts'
import { OpenclawError } from '../errors.ts'
import { credentialHeaderProblem } from '../util/header-safe.ts'

export const ANTHROPIC_VERSION = '2023-06-01'
export const ANTHROPIC_OAUTH_BETA = 'oauth-2025-04-20'

export function credentialHeaders(
  api: ProviderApi,
  mode: CredentialType,
  secret: string,
  label: string,
): Record<string, string> {
  // Node's HTTP stack would throw (a gateway 500, no failover) or, worse, quote the value in
  // its own error text (E-01, E-02). Ingest refuses all of these; a value that got into the
  // store another way (a hand-edited row, a legacy import, a SecretRef) stops here, by name.
  const problem = credentialHeaderProblem(secret)
  if (problem !== undefined) {
    throw new OpenclawError('invalid_credential', `Credential for ${label} ${problem}; replace it.`, {
      httpStatus: 500,
      hint: 'Store it again with openclaw models auth paste-api-key (or paste-token), or fix the value its SecretRef points to.',
    })
  }
  switch (api) {
    case 'anthropic-messages': {
      const bearer = mode !== 'api_key' || secret.startsWith('sk-ant-oat')
      return bearer
        ? { authorization: `Bearer ${secret}`, 'anthropic-beta': ANTHROPIC_OAUTH_BETA }
        : { 'x-api-key': secret }
    }
    case 'google-generative-ai':
      return mode === 'api_key' ? { 'x-goog-api-key': secret } : { authorization: `Bearer ${secret}` }
    default:
      return { authorization: `Bearer ${secret}` }
  }
}

/**
 * credentialHeaders per (secret, api, mode), for the request path: the checks and the header
 * object are the same for every request a credential serves. Callers must not mutate the result.
 */
const headerCache = new Map<string, Map<string, Readonly<Record<string, string>>>>()
const HEADER_CACHE_MAX = 4096

export function cachedCredentialHeaders(
  api: ProviderApi,
  mode: CredentialType,
  secret: string,
  label: string,
): Readonly<Record<string, string>> {
  let bySecret = headerCache.get(secret)
  const kind = `${api}:${mode}`
  const hit = bySecret?.get(kind)
  if (hit) return hit
  // Throws for a bad credential; nothing is cached then.
  const headers = credentialHeaders(api, mode, secret, label)
  if (!bySecret) {
    // Rotated secrets would otherwise accumulate for the life of the process.
    if (headerCache.size >= HEADER_CACHE_MAX) headerCache.clear()
    bySecret = new Map()
    headerCache.set(secret, bySecret)
  }
  bySecret.set(kind, headers)
  return headers
}

/** Merges anthropic-beta values so a client's betas survive next to the OAuth beta. */
export function mergeBetaHeader(existing: string | undefined, extra: string | undefined): string | undefined {
  // The usual cases on the request path: at most one side set, already a clean single value.
  if (existing === undefined && (extra === undefined || isCleanSingle(extra))) return extra || undefined
  if (extra === undefined && isCleanSingle(existing!)) return existing || undefined
  const parts = new Set<string>()
  for (const v of [existing, extra]) for (const p of (v ?? '').split(',')) if (p.trim()) parts.add(p.trim())
  return parts.size ? [...parts].join(',') : undefined
}

function isCleanSingle(v: string): boolean {
  return !v.includes(',') && v.trim() === v
}
