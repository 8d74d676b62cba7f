/**
 * node:crypto on first use. Loading it (some twenty internal modules) cost every CLI start about
 * 3 ms, while the modules that need it sit on the start path only for what they rarely do
 * (hash a gateway password, fingerprint an env key).
 */
import type * as Crypto from 'node:crypto'
import { createRequire } from 'node:module'

let mod: typeof Crypto | undefined

export function nodeCrypto(): typeof Crypto {
  mod ??= createRequire(import.meta.url)('node:crypto') as typeof Crypto
  return mod
}
