/**
 * B-01 writer: commits numbered credential updates until killed, sending `committed {n}` after
 * each COMMIT returns. One commit writes three things that must never be seen apart:
 *   - a new profile `lane<L>:p<n>` (key k-<L>-<n>),
 *   - the lane's rotating OAuth pair `lane<L>:rot` (access a-<L>-<n> / refresh r-<L>-<n>,
 *     expires and metadata.gen in other columns of the same row),
 *   - the rotating profile's state row (failureCounts.unknown = n), another table.
 * argv: <dbPath> <lane> <firstN>
 */
import { CredentialStore } from '../../../dist/store/credential-store.js'
import { clock, deadline, marker } from './worker-lib.mjs'

const [dbPath, lane, firstArg] = process.argv.slice(2)
const first = Number(firstArg)
const alive = deadline(20_000)

const store = CredentialStore.open(dbPath, { clock })
marker('ready')
for (let n = first; n < first + 100_000 && alive(); n++) {
  store.batch(() => {
    store.upsertProfile(`lane${lane}:p${n}`, {
      type: 'api_key',
      provider: `lane${lane}`,
      key: `k-${lane}-${n}`,
    })
    store.upsertProfile(`lane${lane}:rot`, {
      type: 'oauth',
      provider: `lane${lane}`,
      access: `a-${lane}-${n}`,
      refresh: `r-${lane}-${n}`,
      expires: 1_000_000 + n,
      email: `gen${n}@lane${lane}.test`,
      metadata: { gen: String(n) },
    })
    store.updateState(`lane${lane}:rot`, (prev) => ({ ...prev, failureCounts: { unknown: n } }))
  })
  marker('committed', { n })
}
store.close()
