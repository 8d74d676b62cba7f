/**
 * Constant-time comparison of client secrets: both sides are HMAC-ed with a per-process random
 * key into fixed-length digests, then compared with timingSafeEqual. No length leak, no throw on
 * length mismatch, and the plaintext secret is not kept after construction.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export type SecretMatcher = (presented: string | undefined) => boolean

export function createSecretMatcher(secret: string): SecretMatcher {
  const key = randomBytes(32)
  const expected = createHmac('sha256', key).update(secret, 'utf8').digest()
  return (presented) => {
    if (typeof presented !== 'string' || presented.length === 0) return false
    const got = createHmac('sha256', key).update(presented, 'utf8').digest()
    return timingSafeEqual(got, expected)
  }
}
