/**
 * Stable, non-secret identities for credentials that are not profiles: env keys
 * (`ANTHROPIC_API_KEYS="k1,k2"`) and `models.providers.<p>.apiKey`. Their cooldowns live in the
 * same state tables as profiles, under ids no profile can have (`#` is not allowed in a profile
 * id), so `models status`, a restarted gateway and `clear-cooldown` all see the same rows.
 *
 * The id names the provider, the variable and a short fingerprint of the value, never the
 * position: reordering `ANTHROPIC_API_KEYS` keeps each key's cooldown with that key, and a
 * replaced key starts clean. The fingerprint is 48 bits of a domain-separated SHA-256: enough
 * to tell a handful of keys apart, far too little to recover or confirm a high-entropy key.
 */
import { nodeCrypto } from '../util/lazy-crypto.ts'

export type KeyStateKind = 'env' | 'config'

export interface ParsedKeyStateId {
  kind: KeyStateKind
  provider: string
  /** The env variable (`ANTHROPIC_API_KEYS`); `apiKey` for a config key. */
  name: string
  fingerprint: string
}

const FINGERPRINT_DOMAIN = 'openclaw-key-fingerprint-v1\u0000'
const FINGERPRINT_HEX = 12
const ID_RE = /^(env|config):([a-z0-9][a-z0-9._-]{0,63}):([A-Za-z_][A-Za-z0-9_]*)#([0-9a-f]{12})$/

export function keyFingerprint(value: string): string {
  return nodeCrypto()
    .createHash('sha256')
    .update(FINGERPRINT_DOMAIN + value)
    .digest('hex')
    .slice(0, FINGERPRINT_HEX)
}

export function envKeyStateId(provider: string, varName: string, value: string): string {
  return `env:${provider}:${varName}#${keyFingerprint(value)}`
}

export function configKeyStateId(provider: string, value: string): string {
  return `config:${provider}:apiKey#${keyFingerprint(value)}`
}

export function parseKeyStateId(id: string): ParsedKeyStateId | undefined {
  const m = ID_RE.exec(id)
  if (!m) return undefined
  return { kind: m[1] as KeyStateKind, provider: m[2]!, name: m[3]!, fingerprint: m[4]! }
}

/** Cheap test for the state-row loops; a profile id never contains '#'. */
export function isKeyStateId(id: string): boolean {
  return (id.startsWith('env:') || id.startsWith('config:')) && id.includes('#')
}
