/**
 * Parses a token endpoint success body. A body without a usable access token is rejected and
 * nothing is stored; a usable one is never thrown away over a bad `expires_in` (the provider
 * may already have rotated the refresh token, so dropping the answer would strand the
 * account): the lifetime is taken from the JWT `exp`, clamped, or defaulted instead (C-08).
 */
import { tokenClaims } from './jwt-claims.ts'

export const DEFAULT_LIFETIME_S = 3600
/** Longer lifetimes are treated as a unit or format mistake and clamped. */
export const MAX_LIFETIME_S = 30 * 24 * 3600
const MAX_TOKEN_LENGTH = 64 * 1024

export interface TokenSet {
  access: string
  refresh?: string
  /** Epoch ms. */
  expires: number
  idToken?: string
  email?: string
  accountId?: string
  /** Non-secret remarks about repairs made (defaulted or clamped lifetime). */
  notes: string[]
}

export type ParsedTokenResponse = { ok: true; tokens: TokenSet } | { ok: false; detail: string }

export function parseTokenResponse(text: string, now: number): ParsedTokenResponse {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return { ok: false, detail: 'token endpoint answered with malformed JSON' }
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, detail: 'token endpoint answered with a non-object JSON body' }
  }
  const o = body as Record<string, unknown>
  const access = tokenField(o.access_token)
  if (!access) return { ok: false, detail: 'token endpoint answer has no usable access_token' }
  const refresh =
    o.refresh_token === undefined || o.refresh_token === null ? undefined : tokenField(o.refresh_token)
  if (o.refresh_token !== undefined && o.refresh_token !== null && !refresh) {
    return { ok: false, detail: 'token endpoint answer has an unusable refresh_token' }
  }
  const idToken = tokenField(o.id_token)
  const claims = tokenClaims(idToken, access)
  const notes: string[] = []
  const expires = lifetime(o.expires_in, claims.exp, now, notes)
  return {
    ok: true,
    tokens: {
      access,
      ...(refresh ? { refresh } : {}),
      expires,
      ...(idToken ? { idToken } : {}),
      ...(claims.email ? { email: claims.email } : {}),
      ...(claims.accountId ? { accountId: claims.accountId } : {}),
      notes,
    },
  }
}

function tokenField(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined
  if (v.length === 0 || v.length > MAX_TOKEN_LENGTH || v.trim() !== v) return undefined
  // RFC 6749 tokens are VSCHAR (printable ASCII); anything else would break (or be echoed by)
  // the HTTP header layer later.
  if (/[^\x20-\x7e]/.test(v)) return undefined
  return v
}

/** Epoch ms of expiry from `expires_in` (seconds), repaired where it is unusable. */
export function lifetime(raw: unknown, jwtExp: number | undefined, now: number, notes: string[]): number {
  let seconds: number | undefined
  if (typeof raw === 'number') seconds = raw
  else if (typeof raw === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(raw)) {
    seconds = Number(raw)
    notes.push('expires_in was a string; parsed as seconds')
  }
  if (seconds !== undefined && Number.isFinite(seconds) && seconds > 0) {
    if (seconds > MAX_LIFETIME_S) {
      notes.push(`expires_in ${seconds} is implausible; clamped to ${MAX_LIFETIME_S} s`)
      seconds = MAX_LIFETIME_S
    }
    return now + Math.floor(seconds * 1000)
  }
  const what = raw === undefined ? 'missing' : `unusable (${typeof raw === 'number' ? raw : typeof raw})`
  // The access token's own exp claim is the next best source, within the same sanity bounds.
  if (jwtExp !== undefined) {
    const fromJwt = jwtExp * 1000 - now
    if (fromJwt > 0 && fromJwt <= MAX_LIFETIME_S * 1000) {
      notes.push(`expires_in ${what}; used the access token's exp claim`)
      return jwtExp * 1000
    }
  }
  notes.push(`expires_in ${what}; assumed ${DEFAULT_LIFETIME_S} s`)
  return now + DEFAULT_LIFETIME_S * 1000
}
