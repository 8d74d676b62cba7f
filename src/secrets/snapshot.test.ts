import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import type { SecretRef } from '../auth/types.ts'
import { Limiter } from './limiter.ts'
import { failure, SecretsSnapshot } from './snapshot.ts'

const a: SecretRef = { source: 'env', provider: 'default', id: 'A_KEY' }
const b: SecretRef = { source: 'file', provider: 'local', id: '/b' }
const c: SecretRef = { source: 'exec', provider: 'vault', id: 'c' }

describe('SecretsSnapshot', () => {
  const secret = 'sk-canary-snapshot-0123456789'
  const snap = new SecretsSnapshot([
    [a, { ok: true, value: secret }],
    [b, failure('secret_ref_unresolved', 'file provider "local": /x is empty')],
  ])

  it('reports resolved / unresolved / unknown and values only for resolved refs', () => {
    expect(snap.state(a)).toBe('resolved')
    expect(snap.state(b)).toBe('unresolved')
    expect(snap.state(c)).toBe('unknown')
    expect(snap.value(a)).toBe(secret)
    expect(snap.value(b)).toBeUndefined()
    expect(snap.error(b)?.message).toContain('is empty')
    expect(snap.secretValues()).toEqual([secret])
  })

  it('never serialises or inspects to a value (G-02)', () => {
    expect(JSON.stringify(snap)).not.toContain(secret)
    expect(inspect(snap, { depth: 10, showHidden: true })).not.toContain(secret)
    expect(JSON.stringify({ wrapped: snap })).toContain('"resolved":1')
  })

  it('merge lets newer results replace older ones', () => {
    const newer = new SecretsSnapshot([[b, { ok: true, value: 'v2' }]])
    const merged = snap.merge(newer)
    expect(merged.value(b)).toBe('v2')
    expect(merged.value(a)).toBe(secret)
  })
})

describe('Limiter', () => {
  const tick = () => new Promise((r) => setImmediate(r))

  it('never runs more than max tasks at once, even when a newcomer arrives right at a release', async () => {
    const limiter = new Limiter(2)
    let active = 0
    let peak = 0
    const gates: Array<() => void> = []
    const task = () =>
      limiter.run(async () => {
        active += 1
        peak = Math.max(peak, active)
        await new Promise<void>((r) => gates.push(r))
        active -= 1
      })
    const runs = [task(), task(), task()]
    for (let i = 0; i < 4; i++) {
      while (gates.length === 0) await tick()
      gates.shift()!()
      runs.push(task())
    }
    while (active > 0 || gates.length > 0) {
      gates.shift()?.()
      await tick()
    }
    await Promise.all(runs)
    expect(peak).toBe(2)
    expect(limiter.peak).toBe(2)
  })
})
