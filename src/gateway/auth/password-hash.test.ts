import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_SCRYPT,
  hashPassword,
  type PasswordHash,
  parsePasswordHash,
  verifyPasswordHash,
} from './password-hash.ts'
import { PasswordVerifier } from './password-verifier.ts'

const FAST = { ln: 14, r: 1, p: 1 }
const PASSWORD = 'correct-horse-battery-staple-0123'

function parsed(encoded: string): PasswordHash {
  const p = parsePasswordHash(encoded)
  if ('error' in p) throw new Error(p.error)
  return p
}

describe('stored password hash (F-14)', () => {
  it('is a self-describing scrypt string that verifies only the right password', async () => {
    const encoded = await hashPassword(PASSWORD, FAST)
    expect(encoded).toMatch(/^\$scrypt\$ln=14,r=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
    expect(encoded).not.toContain(PASSWORD)
    const h = parsed(encoded)
    expect(await verifyPasswordHash(h, PASSWORD)).toBe(true)
    for (const wrong of ['', 'x', PASSWORD.slice(0, -1), `${PASSWORD}x`, 'y'.repeat(10_000)])
      expect(await verifyPasswordHash(h, wrong)).toBe(false)
    // Same password, new salt: a different string.
    expect(await hashPassword(PASSWORD, FAST)).not.toBe(encoded)
  })

  it('defaults to OWASP minimum scrypt cost', () => {
    expect(DEFAULT_SCRYPT).toEqual({ ln: 15, r: 8, p: 3 })
  })

  it.each([
    ['not a hash', 'hunter2', /expected a scrypt hash/],
    [
      'another algorithm',
      '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g',
      /expected a scrypt hash/,
    ],
    ['ln too small', `$scrypt$ln=10,r=8,p=1$${'A'.repeat(22)}$${'A'.repeat(43)}`, /ln must be 14\.\.20/],
    ['too much memory', `$scrypt$ln=20,r=8,p=1$${'A'.repeat(22)}$${'A'.repeat(43)}`, /more than 128 MiB/],
    ['too much work', `$scrypt$ln=14,r=8,p=9$${'A'.repeat(22)}$${'A'.repeat(43)}`, /r\*p <= 64/],
  ])('refuses %s without repeating the value', (_n, value, message) => {
    const r = parsePasswordHash(value)
    expect(r).toHaveProperty('error')
    const error = (r as { error: string }).error
    expect(error).toMatch(message)
    expect(error).not.toContain(value)
  })
})

describe('password verifier: no scrypt per request, bounded work (F-14)', () => {
  it('once proven, right and wrong passwords are answered without scrypt (HMAC + timingSafeEqual)', async () => {
    const encoded = await hashPassword(PASSWORD, FAST)
    const v = new PasswordVerifier(encoded, parsed(encoded))
    expect(v.quick(PASSWORD)).toBeUndefined()
    expect(await v.verify('wrong-one')).toBe('mismatch')
    expect(v.scryptRuns).toBe(1)
    expect(await v.verify(PASSWORD)).toBe('match')
    expect(v.scryptRuns).toBe(2)
    for (let i = 0; i < 50; i++) {
      expect(v.quick(PASSWORD)).toBe(true)
      expect(v.quick(`wrong-${i}`)).toBe(false)
      expect(await v.verify(`wrong-again-${i}`)).toBe('mismatch')
    }
    expect(v.quick('')).toBe(false)
    expect(v.scryptRuns).toBe(2)
    const src = readFileSync(new URL('./password-verifier.ts', import.meta.url), 'utf8')
    expect(src).toContain('timingSafeEqual(this.digest(presented), this.proven)')
    expect(src).toContain("createHmac('sha256', this.key)")
  })

  it('a burst of the same value shares one run; concurrency and pending values are bounded', async () => {
    const releases: Array<(ok: boolean) => void> = []
    let active = 0
    let peak = 0
    const verify = () =>
      new Promise<boolean>((resolve) => {
        active++
        peak = Math.max(peak, active)
        releases.push((ok) => {
          active--
          resolve(ok)
        })
      })
    const encoded = await hashPassword(PASSWORD, FAST)
    const v = new PasswordVerifier(encoded, parsed(encoded), { maxConcurrent: 1, maxPending: 3, verify })
    const burst = Array.from({ length: 20 }, () => v.verify(PASSWORD))
    const w1 = v.verify('wrong-1')
    const w2 = v.verify('wrong-2')
    // Three distinct values pending: a fourth is refused at once instead of queueing.
    expect(await v.verify('wrong-3')).toBe('busy')
    await Promise.resolve()
    expect(releases).toHaveLength(1)
    releases[0]!(true)
    expect(new Set(await Promise.all(burst))).toEqual(new Set(['match']))
    // The queued wrong values were answered from the proven digest, not by scrypt.
    expect(await w1).toBe('mismatch')
    expect(await w2).toBe('mismatch')
    expect(releases).toHaveLength(1)
    expect(peak).toBe(1)
    expect(v.scryptRuns).toBe(1)
  })

  it('a scrypt failure is "busy", never a match and never a counted failure', async () => {
    const encoded = await hashPassword(PASSWORD, FAST)
    const v = new PasswordVerifier(encoded, parsed(encoded), {
      verify: () => Promise.reject(new Error('ENOMEM')),
    })
    expect(await v.verify(PASSWORD)).toBe('busy')
    expect(v.quick(PASSWORD)).toBeUndefined()
  })
})
