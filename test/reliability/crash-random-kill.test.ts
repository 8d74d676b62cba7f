/**
 * B-01: writers SIGKILLed at random moments (seeded), 200 kills in all, four lanes writing the
 * same store at once. Every commit the parent was told about (a `committed` marker) must be
 * there afterwards, no row may mix two generations (access of gen N with refresh of gen N-1, or
 * a credential row ahead of its state row), and the store must still be healthy.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { CredentialStore } from '../../src/store/credential-store.ts'
import { iterations, testSeed } from './harness/seed.ts'
import { HEALTHY, storeHealth } from './harness/store-health.ts'
import { cleanupTempRoots, delay, finish, startWorker, storePathIn, tempRoot } from './harness/workers.ts'

afterAll(cleanupTempRoots)

const LANES = 4
/** Per-lane clock skew: each writer stamps rows with its own (injected) clock. */
const SKEW_MS = [-10 * 60_000, 10 * 60_000, 0, 3_600_000]

interface LaneLog {
  acked: Set<number>
  maxAcked: number
  killsBeforeReady: number
}

describe('B-01 random SIGKILL of committing writers', () => {
  it('every acknowledged commit survives, no row is half-updated, the store stays healthy', async () => {
    const rng = testSeed('B-01')
    const total = iterations(200)
    const dbPath = storePathIn(tempRoot('b01'))
    const lanes: LaneLog[] = Array.from({ length: LANES }, () => ({
      acked: new Set<number>(),
      maxAcked: 0,
      killsBeforeReady: 0,
    }))
    const started = Date.now()

    const runLane = async (lane: number, count: number) => {
      const log = lanes[lane] as LaneLog
      for (let i = 0; i < count; i++) {
        const w = startWorker('writer-loop.mjs', [dbPath, String(lane), String(log.maxAcked + 1)], {
          env: { RELIABILITY_CLOCK_OFFSET_MS: String(SKEW_MS[lane]) },
        })
        // One kill in ten lands anywhere from spawn on (open, first-run migration, WAL setup);
        // the rest land 0-40 ms into the commit loop.
        if (rng.next() < 0.1) {
          await delay(rng.int(0, 250))
          log.killsBeforeReady += w.markers.some((m) => m.name === 'ready') ? 0 : 1
        } else {
          await w.waitForMarker('ready')
          await delay(rng.int(0, 40))
        }
        w.killGroup('SIGKILL')
        const exit = await finish(w)
        // A worker that ended by itself instead of by our SIGKILL failed: show why.
        expect(exit.signal, w.stderr).toBe('SIGKILL')
        for (const m of w.markers) {
          if (m.name !== 'committed') continue
          const n = (m.data as { n: number }).n
          log.acked.add(n)
          log.maxAcked = Math.max(log.maxAcked, n)
        }
      }
    }
    await Promise.all(
      Array.from({ length: LANES }, (_, lane) =>
        runLane(lane, Math.floor(total / LANES) + (lane < total % LANES ? 1 : 0)),
      ),
    )
    const ended = Date.now()

    expect(storeHealth(dbPath)).toEqual(HEALTHY)
    const store = CredentialStore.open(dbPath, { readonly: true })
    try {
      const acked = lanes.reduce((sum, l) => sum + l.acked.size, 0)
      expect(acked, 'the kill loop must let commits through').toBeGreaterThan(total / 4)
      for (let lane = 0; lane < LANES; lane++) {
        const log = lanes[lane] as LaneLog
        for (const n of log.acked) {
          expect(store.getProfile(`lane${lane}:p${n}`)?.credential, `lane ${lane} commit ${n}`).toEqual({
            type: 'api_key',
            provider: `lane${lane}`,
            key: `k-${lane}-${n}`,
          })
        }
        const rot = store.getProfile(`lane${lane}:rot`)
        if (log.maxAcked === 0) continue
        expect(rot?.credential.type).toBe('oauth')
        const cred = rot?.credential as { access: string; refresh: string; expires: number; email: string }
        const gen = Number(cred.access.split('-')[2])
        // The last acknowledged commit, or the one after it (committed, then killed before the marker).
        expect(gen === log.maxAcked || gen === log.maxAcked + 1, `lane ${lane}: gen ${gen}`).toBe(true)
        expect(cred).toMatchObject({
          refresh: `r-${lane}-${gen}`,
          expires: 1_000_000 + gen,
          email: `gen${gen}@lane${lane}.test`,
        })
        expect(rot?.credential.metadata).toEqual({ gen: String(gen) })
        expect(store.getState(`lane${lane}:rot`).failureCounts).toEqual({ unknown: gen })
        // The injected clock reached the product: rows carry the writer's skewed time.
        const skew = SKEW_MS[lane] as number
        expect(rot?.updatedAt).toBeGreaterThanOrEqual(started + skew - 1000)
        expect(rot?.updatedAt).toBeLessThanOrEqual(ended + skew + 1000)
      }
      // Nothing but the lanes' own rows: no phantom or duplicated profiles.
      const ids = store.listProfiles().map((p) => p.id)
      expect(ids.every((id) => /^lane\d:(p\d+|rot)$/.test(id))).toBe(true)
    } finally {
      store.close()
    }
    console.log(
      `B-01: ${total} kills (${lanes.reduce((s, l) => s + l.killsBeforeReady, 0)} before the store was open), ` +
        `${lanes.reduce((s, l) => s + l.acked.size, 0)} acknowledged commits, ${Date.now() - started} ms, seed ${rng.seed}`,
    )
  }, 90_000)
})
