/**
 * Concurrency worker: read-modify-write increments of one counter (failureCounts.unknown).
 * Busy/locked failures are counted and reported instead of retried: the test demands zero.
 * argv: <dbPath> <profileId> <iterations>
 */
import { CredentialStore } from '../../dist/store/credential-store.js'
import { report, waitForGo } from './store-barrier.mjs'

const [dbPath, profileId, iterationsArg] = process.argv.slice(2)
const iterations = Number(iterationsArg)

await waitForGo()
const store = CredentialStore.open(dbPath)
const errors = []
let done = 0
for (let i = 0; i < iterations; i++) {
  try {
    store.updateState(profileId, (prev) => ({
      ...prev,
      failureCounts: { ...prev.failureCounts, unknown: (prev.failureCounts.unknown ?? 0) + 1 },
    }))
    done++
  } catch (err) {
    errors.push(`${err.code ?? 'error'}: ${err.message}`)
  }
}
store.close()
report({ done, errors })
