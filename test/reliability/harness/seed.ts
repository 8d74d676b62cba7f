/**
 * Seeded randomness for fault injection. Every random choice (kill delays, corruption offsets)
 * comes from one seed per test; the seed is printed when the test fails, and RELIABILITY_SEED
 * replays it: `RELIABILITY_SEED=1234 npx vitest run test/reliability/crash-writes.test.ts`.
 */
import { randomInt } from 'node:crypto'
import { onTestFailed } from 'vitest'

export interface Seeded {
  seed: number
  /** Uniform in [0, 1). */
  next(): number
  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number
  pick<T>(items: readonly T[]): T
}

/** mulberry32: tiny, fast and good enough to pick fault points. */
export function seededRandom(seed: number): Seeded {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    seed,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
  }
}

/**
 * The seed for the current test: RELIABILITY_SEED if set, else a fresh one. Call inside `it`;
 * the seed is printed (with the replay command) if the test fails.
 */
export function testSeed(label: string): Seeded {
  const fromEnv = process.env.RELIABILITY_SEED
  const seed = fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : randomInt(1, 2 ** 31 - 1)
  onTestFailed(() => {
    console.error(`[${label}] failed with seed ${seed}; replay with RELIABILITY_SEED=${seed}`)
  })
  return seededRandom(seed)
}

/** How many kill iterations B-01 runs (catalogue: 200); lower it for a quick local loop. */
export function iterations(defaultCount: number): number {
  const v = Number(process.env.RELIABILITY_ITERATIONS)
  return Number.isInteger(v) && v > 0 ? v : defaultCount
}
