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

/**
 * Several secrets, each bound to a value (the scoped clients of gateway.auth.clients plus the
 * main token): one HMAC of the presented secret, then a timingSafeEqual against every entry
 * without stopping at the first hit, so the time taken does not say which entry (if any) matched.
 */
export interface SecretTable<T> {
  match(presented: string | undefined): T | undefined
  readonly size: number
}

export function createSecretTable<T>(entries: ReadonlyArray<{ secret: string; value: T }>): SecretTable<T> {
  const key = randomBytes(32)
  const digests = entries.map((e) => ({
    digest: createHmac('sha256', key).update(e.secret, 'utf8').digest(),
    value: e.value,
  }))
  return {
    size: digests.length,
    match(presented) {
      if (typeof presented !== 'string' || presented.length === 0) return undefined
      const got = createHmac('sha256', key).update(presented, 'utf8').digest()
      let found: T | undefined
      for (const d of digests) {
        if (timingSafeEqual(got, d.digest) && found === undefined) found = d.value
      }
      return found
    },
  }
}
