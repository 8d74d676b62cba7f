import { describe, expect, it } from 'vitest'
import { runPool } from './pool.ts'

describe('runPool', () => {
  it('never runs more than the limit at once and keeps input order', async () => {
    let active = 0
    let peak = 0
    const release: Array<() => void> = []
    const p = runPool([1, 2, 3, 4, 5], 2, async (n) => {
      active++
      peak = Math.max(peak, active)
      await new Promise<void>((r) => release.push(r))
      active--
      return n * 10
    })
    // Release one waiter per turn until all five ran.
    while (release.length > 0 || active > 0) {
      await Promise.resolve()
      release.shift()?.()
      await new Promise((r) => setImmediate(r))
    }
    expect(await p).toEqual([10, 20, 30, 40, 50])
    expect(peak).toBe(2)
  })

  it('an empty list resolves at once', async () => {
    expect(await runPool([], 3, async () => 1)).toEqual([])
  })
})
