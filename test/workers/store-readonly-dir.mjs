/**
 * Runs as an unprivileged uid against a store whose dir it cannot write (root ignores modes,
 * so the test drops privileges for this part). Reports what a writer and a reader each saw.
 * argv: <dbPath>
 */
import { CredentialStore } from '../../dist/store/credential-store.js'
import { report } from './store-barrier.mjs'

const [dbPath] = process.argv.slice(2)

function attempt(fn) {
  try {
    return { ok: fn() }
  } catch (err) {
    return { code: err.code, message: err.message }
  }
}

const write = attempt(() => {
  const store = CredentialStore.open(dbPath)
  store.close()
  return 'opened'
})
const read = attempt(() => {
  const store = CredentialStore.open(dbPath, { readonly: true })
  const ids = store.listProfiles().map((p) => p.id)
  store.close()
  return ids
})
report({ write, read })
