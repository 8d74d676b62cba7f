/**
 * One legacy credential entry -> our Credential, or the reason it is rejected (A-03: listed by
 * id + reason, never silently dropped, OpenClaw #26916). Accepts every historical spelling:
 * `type` or older `mode`, `key` or older `apiKey`, `access`/`refresh` or `accessToken`/
 * `refreshToken`, `expires` or `expiresAt`. Pure.
 */
import { isValidExpires } from '../auth/eligibility.ts'
import { isValidProfileId, validateProviderId } from '../auth/profile-id.ts'
import type { Credential, SecretRef } from '../auth/types.ts'
import { NON_ASCII } from '../util/header-safe.ts'
import type { RejectReason } from './types.ts'

export type EntryOutcome =
  | { kind: 'credential'; credential: Credential }
  | { kind: 'aws-sdk'; provider: string }
  | { kind: 'rejected'; reason: RejectReason }

const MAX_SECRET = 64 * 1024
type EntryType = 'api_key' | 'token' | 'oauth' | 'aws-sdk'

const TYPE_ALIASES: Readonly<Record<string, EntryType>> = {
  api_key: 'api_key',
  'api-key': 'api_key',
  apikey: 'api_key',
  token: 'token',
  oauth: 'oauth',
  'aws-sdk': 'aws-sdk',
}

/** `fallbackProvider` is the map key in the flat `{ "<provider>": {...} }` form. */
export function parseLegacyEntry(id: string, entry: unknown, fallbackProvider?: string): EntryOutcome {
  if (!isValidProfileId(id)) return rejected('invalid_id')
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return rejected('non_object')
  const e = entry as Record<string, unknown>
  const providerRaw = e.provider ?? fallbackProvider
  if (providerRaw === undefined || providerRaw === null || providerRaw === '')
    return rejected('missing_provider')
  if (typeof providerRaw !== 'string') return rejected('invalid_provider')
  let provider: string
  try {
    provider = validateProviderId(providerRaw.trim().toLowerCase())
  } catch {
    return rejected('invalid_provider')
  }
  const type = inferType(e)
  if (type === undefined) return rejected('invalid_type')
  if (type === 'aws-sdk') return { kind: 'aws-sdk', provider }
  const meta = metadataOf(e)
  if (meta === 'invalid') return rejected('invalid_value')

  if (type === 'api_key') {
    const key = secretField(e.key ?? e.apiKey)
    const keyRef = refField(e.keyRef)
    if (key === 'invalid') return rejected('invalid_value')
    if (keyRef === 'invalid') return rejected('invalid_ref')
    if (key === undefined && keyRef === undefined) return rejected('missing_credential')
    return credential({ type, provider, ...meta, ...opt('key', key), ...opt('keyRef', keyRef) })
  }
  const expires = expiresField(e.expires ?? e.expiresAt)
  if (expires === 'invalid') return rejected('invalid_expires')
  if (type === 'token') {
    const token = secretField(e.token)
    const tokenRef = refField(e.tokenRef)
    if (token === 'invalid') return rejected('invalid_value')
    if (tokenRef === 'invalid') return rejected('invalid_ref')
    if (token === undefined && tokenRef === undefined) return rejected('missing_credential')
    return credential({
      type,
      provider,
      ...meta,
      ...opt('token', token),
      ...opt('tokenRef', tokenRef),
      ...opt('expires', expires),
    })
  }
  // OAuth material may never be a SecretRef (auth-spec 1.4).
  if (['keyRef', 'tokenRef', 'accessRef', 'refreshRef'].some((k) => e[k] !== undefined))
    return rejected('invalid_ref')
  const access = secretField(e.access ?? e.accessToken ?? e.access_token)
  const refresh = secretField(e.refresh ?? e.refreshToken ?? e.refresh_token)
  if (access === 'invalid' || refresh === 'invalid') return rejected('invalid_value')
  if (access === undefined && refresh === undefined) return rejected('missing_credential')
  const accountId = plainString(e.accountId)
  const clientId = plainString(e.clientId)
  return credential({
    type,
    provider,
    ...meta,
    ...opt('access', access),
    ...opt('refresh', refresh),
    ...opt('expires', expires),
    ...opt('accountId', accountId),
    ...opt('clientId', clientId),
  })
}

function inferType(e: Record<string, unknown>): EntryType | undefined {
  const declared = e.type ?? e.mode
  if (declared !== undefined)
    return typeof declared === 'string' ? TYPE_ALIASES[declared.trim().toLowerCase()] : undefined
  // Untyped entries (flat auth.json / credentials/oauth.json) are typed by their fields.
  if (
    e.access !== undefined ||
    e.refresh !== undefined ||
    e.accessToken !== undefined ||
    e.refreshToken !== undefined
  )
    return 'oauth'
  if (e.token !== undefined || e.tokenRef !== undefined) return 'token'
  if (e.key !== undefined || e.apiKey !== undefined || e.keyRef !== undefined) return 'api_key'
  return undefined
}

function secretField(v: unknown): string | undefined | 'invalid' {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string') return 'invalid'
  const s = v.trim()
  if (s === '') return undefined
  // The same rules as a pasted key: one line, no spaces, printable ASCII only.
  if (s.length > MAX_SECRET || /[\s\x00-\x1f\x7f]/.test(s) || NON_ASCII.test(s)) return 'invalid'
  return s
}

function refField(v: unknown): SecretRef | undefined | 'invalid' {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'object' || Array.isArray(v)) return 'invalid'
  const r = v as Record<string, unknown>
  if (r.source !== 'env' && r.source !== 'file' && r.source !== 'exec') return 'invalid'
  if (typeof r.id !== 'string' || r.id === '') return 'invalid'
  const provider = typeof r.provider === 'string' && r.provider !== '' ? r.provider : 'default'
  return { source: r.source, provider, id: r.id }
}

function expiresField(v: unknown): number | undefined | 'invalid' {
  if (v === undefined || v === null) return undefined
  // The store keeps integer epoch milliseconds; anything else would be refused on write.
  if (!isValidExpires(v) || !Number.isSafeInteger(v)) return 'invalid'
  return v as number
}

type Meta = { email?: string; displayName?: string; metadata?: Record<string, string> }

function metadataOf(e: Record<string, unknown>): Meta | 'invalid' {
  const out: Meta = {}
  const email = plainString(e.email)
  const displayName = plainString(e.displayName)
  if (email) out.email = email
  if (displayName) out.displayName = displayName
  if (e.metadata !== undefined && e.metadata !== null) {
    if (typeof e.metadata !== 'object' || Array.isArray(e.metadata)) return 'invalid'
    const m: Record<string, string> = {}
    for (const [k, v] of Object.entries(e.metadata as Record<string, unknown>))
      if (typeof v === 'string') m[k] = v
    if (Object.keys(m).length) out.metadata = m
  }
  return out
}

function plainString(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' && v.length <= 512 ? v.trim() : undefined
}

function opt<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V }
}

function credential(c: Credential): EntryOutcome {
  return { kind: 'credential', credential: c }
}

function rejected(reason: RejectReason): EntryOutcome {
  return { kind: 'rejected', reason }
}
