/**
 * Concurrency worker: writes its own profiles and appends cooldowns to shared profiles.
 * argv: <dbPath> <workerIndex> <profileCount> <sharedProfileCount>
 */
import { CredentialStore } from '../../dist/store/credential-store.js'
import { report, waitForGo } from './store-barrier.mjs'

const [dbPath, idx, countArg, sharedArg] = process.argv.slice(2)
const count = Number(countArg)
const shared = Number(sharedArg)

await waitForGo()
const store = CredentialStore.open(dbPath)
const cooldowns = []
for (let n = 0; n < count; n++) {
  store.upsertProfile(`w${idx}:p${n}`, { type: 'api_key', provider: `w${idx}`, key: `sk-${idx}-${n}` })
  const profileId = `shared:s${n % shared}`
  const model = `w${idx}-m${n}`
  store.updateState(profileId, (prev) => ({
    ...prev,
    cooldowns: [
      ...prev.cooldowns,
      {
        profileId,
        model,
        until: 2_000_000_000_000 + n,
        reason: 'rate_limit',
        errorCount: 1,
        lastFailureAt: n,
      },
    ],
  }))
  cooldowns.push({ profileId, model })
}
store.close()
report({ cooldowns })
