/**
 * Reads identity claims (email, account id, exp) from id/access tokens. Signatures are not
 * verified: the tokens came straight from the token endpoint over the connection we opened,
 * and they are only used to name and key the profile, never to authorise anything.
 */

export interface TokenClaims {
  email?: string
  accountId?: string
  /** Epoch seconds. */
  exp?: number
}

const OPENAI_AUTH_CLAIM = 'https://api.openai.com/auth'
const OPENAI_PROFILE_CLAIM = 'https://api.openai.com/profile'

export function decodeJwtPayload(token: string | undefined): Record<string, unknown> | undefined {
  if (typeof token !== 'string') return undefined
  const parts = token.split('.')
  if (parts.length !== 3 || !parts[1]) return undefined
  try {
    const v: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'))
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

export function tokenClaims(idToken: string | undefined, accessToken: string | undefined): TokenClaims {
  const id = decodeJwtPayload(idToken)
  const access = decodeJwtPayload(accessToken)
  const out: TokenClaims = {}
  const email = str(id?.email) ?? str(access?.email) ?? str(obj(access?.[OPENAI_PROFILE_CLAIM])?.email)
  if (email && /^[^\s@]+@[^\s@]+$/.test(email)) out.email = email
  const accountId =
    str(obj(access?.[OPENAI_AUTH_CLAIM])?.chatgpt_account_id) ??
    str(obj(id?.[OPENAI_AUTH_CLAIM])?.chatgpt_account_id) ??
    str(access?.account_id) ??
    str(id?.account_id) ??
    str(id?.sub)
  if (accountId && /^[\x21-\x7e]{1,200}$/.test(accountId)) out.accountId = accountId
  const exp = access?.exp
  if (typeof exp === 'number' && Number.isFinite(exp)) out.exp = exp
  return out
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
}
