/**
 * Refresh worker: one process = one agent holding an OAuth profile in its own store. After the
 * start barrier it asks the compiled refresher (dist/) for a fresh token and makes one request
 * with it. Prints markers the parent can act on (kill points): "leased", "waiting".
 * argv: <stateDir> <agentId> <profileId> <oauthBaseUrl> <clientId> [mode]
 * mode: "pause-after-lease" holds the lease forever (the parent kills or outlives us).
 * env: OAUTH_TIMING (JSON), OAUTH_CLOCK_OFFSET_MS (token clock skew).
 */
import { createHash } from 'node:crypto'
import path from 'node:path'
import { createOAuthRefresher } from '../../dist/oauth/refresher.js'
import { CredentialStore } from '../../dist/store/credential-store.js'
import { report, waitForGo } from './store-barrier.mjs'

const [stateDir, agentId, profileId, base, clientId, mode] = process.argv.slice(2)
const offset = Number(process.env.OAUTH_CLOCK_OFFSET_MS ?? 0)
const timing = process.env.OAUTH_TIMING ? JSON.parse(process.env.OAUTH_TIMING) : undefined
const store = CredentialStore.open(path.join(stateDir, 'agents', agentId, 'agent', 'openclaw-agent.sqlite'))
const refresher = createOAuthRefresher({
  stateDir,
  config: { models: { providers: { openai: { oauth: { tokenUrl: `${base}/oauth/token`, clientId } } } } },
  clock: () => Date.now() + offset,
  ...(timing ? { timing } : {}),
  log: (e) => {
    if (e.event === 'waiting') process.stdout.write('waiting\n')
  },
  hooks:
    mode === 'pause-after-lease'
      ? {
          leaseAcquired: async () => {
            process.stdout.write('leased\n')
            // Stay alive holding the lease (an empty event loop would exit the process).
            setInterval(() => {}, 1 << 30)
            await new Promise(() => {})
          },
        }
      : undefined,
})

await waitForGo()
const r = await refresher.ensureFresh(store, profileId, { agentId })
const hash = (s) => createHash('sha256').update(s).digest('hex')
if ('error' in r) {
  report({ ok: false, code: r.error.code, message: r.error.message })
} else {
  const res = await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${r.access}` } })
  report({
    ok: true,
    status: res.status,
    accessHash: hash(r.access),
    refreshed: r.refreshed,
    adopted: r.adoptedFrom !== undefined,
  })
}
refresher.close()
store.close()
