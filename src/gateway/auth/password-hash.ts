/**
 * The at-rest form of the gateway password (F-14): a self-describing scrypt string in the PHC
 * style, `$scrypt$ln=15,r=8,p=3$<salt>$<hash>` (base64 without padding). The parameters are
 * OWASP's scrypt minimum (2^15 x 8 x 3: 32 MiB, a few hundred ms on a small box); the gateway
 * pays that once per process because a proven password is cached as a keyed digest (see
 * password-verifier.ts). Parsing bounds the parameters, so a hand-edited hash cannot make each
 * verification allocate gigabytes.
 */
import { nodeCrypto } from '../../util/lazy-crypto.ts'

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  ln: number
  r: number
  p: number
}

export interface PasswordHash extends ScryptParams {
  salt: Buffer
  hash: Buffer
}

export const DEFAULT_SCRYPT: ScryptParams = { ln: 15, r: 8, p: 3 }

const MIN_LN = 14
const MAX_LN = 20
/** 128 * N * r bytes per verification; 128 MiB allows 2^17 x 8. */
const MAX_MEMORY = 128 * 1024 * 1024
const MAX_WORK = 64 // r * p
const FORMAT =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{22,88}={0,2})\$([A-Za-z0-9+/]{43,88}={0,2})$/

export const PASSWORD_HASH_SHAPE = '$scrypt$ln=<n>,r=<n>,p=<n>$<base64 salt>$<base64 hash>'

/** Parses and bounds a stored hash; the message never repeats the value. */
export function parsePasswordHash(encoded: string): PasswordHash | { error: string } {
  const m = FORMAT.exec(encoded)
  if (!m)
    return {
      error: `expected a scrypt hash written by openclaw gateway set-password (${PASSWORD_HASH_SHAPE})`,
    }
  const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (ln < MIN_LN || ln > MAX_LN) return { error: `scrypt ln must be ${MIN_LN}..${MAX_LN}, got ${ln}` }
  if (r < 1 || p < 1 || r * p > MAX_WORK)
    return { error: `scrypt r and p must be >= 1 with r*p <= ${MAX_WORK}` }
  if (128 * 2 ** ln * r > MAX_MEMORY)
    return { error: `scrypt parameters need more than ${MAX_MEMORY / 1024 / 1024} MiB (lower ln or r)` }
  const salt = Buffer.from(m[4]!, 'base64')
  const hash = Buffer.from(m[5]!, 'base64')
  if (salt.length < 16) return { error: 'the salt must be at least 16 bytes' }
  if (hash.length < 32) return { error: 'the hash must be at least 32 bytes' }
  return { ln, r, p, salt, hash }
}

function derive(password: string, h: ScryptParams & { salt: Buffer }, keylen: number): Promise<Buffer> {
  const N = 2 ** h.ln
  return new Promise((resolve, reject) =>
    // Async: the work runs on the libuv pool, never on the event loop.
    nodeCrypto().scrypt(password, h.salt, keylen, { N, r: h.r, p: h.p, maxmem: 256 * N * h.r }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  )
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = nodeCrypto().randomBytes(16)
  const hash = await derive(password, { ...params, salt }, 32)
  const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '')
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(hash)}`
}

/** One scrypt run, then a fixed-length timingSafeEqual. */
export async function verifyPasswordHash(h: PasswordHash, presented: string): Promise<boolean> {
  const got = await derive(presented, h, h.hash.length)
  return nodeCrypto().timingSafeEqual(got, h.hash)
}
