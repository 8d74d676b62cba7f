/**
 * The periodic bookkeeping flush writes one fsync'd transaction per dirty agent store; it must
 * stop when its time budget is spent and finish on later turns of the event loop, so requests
 * are served in between (hundreds of dirty agents once blocked the loop for ~300 ms).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { GatewayState } from '../src/gateway/gateway-state.ts'
import { CredentialStore } from '../src/store/credential-store.ts'
import { makeTempHome } from './support/cli.ts'
import { waitFor } from './support/gateway-harness.ts'

let state: GatewayState | undefined
afterEach(() => state?.close())

describe('budgeted bookkeeping flush', () => {
  it('writes agents until the budget is spent, the rest on later turns, and loses no usage', async () => {
    const t = makeTempHome()
    t.writeConfig({})
    state = GatewayState.open({ env: t.env, cwd: t.home })
    const ids = Array.from({ length: 6 }, (_, i) => `agent-${i}`)
    for (const id of ids) state.agent(id).noteSuccess('openai:a', 'openai', 1_000 + ids.indexOf(id))
    // A fake clock that moves 10 ms per look: a 25 ms budget covers the checks before three writes.
    let now = 0
    const elapsed = () => {
      now += 10
      return now
    }
    const left = state.flushSome(25, elapsed)
    expect(left).toBeGreaterThan(0)
    expect(left).toBeLessThan(ids.length)
    const pendingNow = ids.filter((id) => state!.agent(id).hasPending())
    expect(pendingNow).toHaveLength(left)
    // The rest is written on the following turns without anyone calling flush again.
    await waitFor(() => ids.every((id) => !state!.agent(id).hasPending()), 5_000)
    for (const id of ids) {
      const store = CredentialStore.open(state.agent(id).store.path, { readonly: true })
      expect(store.getState('openai:a').lastUsed, id).toBe(1_000 + ids.indexOf(id))
      store.close()
    }
  })
})
