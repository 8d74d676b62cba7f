/** PKCE (RFC 7636, S256) and the anti-CSRF `state` for the authorization code flow. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

export interface Pkce {
  verifier: string
  challenge: string
}

export function createPkce(): Pkce {
  // 32 random bytes -> 43 base64url characters, the RFC's recommended verifier length.
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

export function createState(): string {
  return randomBytes(24).toString('base64url')
}

export function sameState(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
