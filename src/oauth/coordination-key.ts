/**
 * Which refreshes must be serialised: those of the same upstream identity, wherever the
 * credential is stored (auth-spec 6.5, security R1). Keying by agent or profile let copies of
 * one account's single-use refresh token race each other (OpenClaw #26322, #84463).
 */
import { createHash } from 'node:crypto'
import { normalizeProviderId } from '../auth/profile-id.ts'
import type { OAuthCredential } from '../auth/types.ts'

export interface CoordinationKey {
  /** sha256 hex: safe as a row key, reveals nothing. */
  key: string
  /** Human description for errors and logs (never token material). */
  label: string
  basis: 'account' | 'email' | 'refresh-token' | 'profile'
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex')
}

/** The settlement-log key of a refresh token: a hash, so the shared file holds no secret. */
export function refreshTokenHash(refresh: string): string {
  return sha256Hex(`openclaw-refresh-token\u0000${refresh}`)
}

export function coordinationKey(cred: OAuthCredential, profileId: string): CoordinationKey {
  const provider = normalizeProviderId(cred.provider)
  const make = (basis: CoordinationKey['basis'], id: string, label: string): CoordinationKey => ({
    key: sha256Hex(`${provider}\u0000${basis}\u0000${id}`),
    label,
    basis,
  })
  if (nonBlank(cred.accountId))
    return make('account', cred.accountId, `${provider} account ${cred.accountId}`)
  if (nonBlank(cred.email)) {
    const email = cred.email.trim().toLowerCase()
    return make('email', email, `${provider} account <${email}>`)
  }
  if (nonBlank(cred.refresh)) {
    const h = refreshTokenHash(cred.refresh)
    return make('refresh-token', h, `${provider} refresh token #${h.slice(0, 8)}`)
  }
  return make('profile', profileId, `${provider} profile ${profileId}`)
}

function nonBlank(v: string | undefined): v is string {
  return typeof v === 'string' && v.trim() !== ''
}
