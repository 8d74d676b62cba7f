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

  it('failures count at once in memory and reach the store in one write per loop turn', async () => {
    const t = makeTempHome()
    t.writeConfig({})
    const seed = CredentialStore.open(t.storePath())
    for (const id of ['openai:a', 'openai:b'])
      seed.upsertProfile(id, { type: 'api_key', provider: 'openai', key: `sk-${id}` })
    seed.close()
    state = GatewayState.open({ env: t.env, cwd: t.home })
    const agent = state.agent()
    agent.view({ config: state.config, env: state.env })
    const before = agent.store.revision()
    const now = Date.now()
    agent.recordFailure('openai:a', { reason: 'rate_limit', model: 'gpt-x', now })
    agent.recordFailure('openai:b', { reason: 'rate_limit', model: 'gpt-x', now })
    // This process already skips both keys...
    const states = state.view().states
    expect(states.get('openai:a')?.cooldowns.map((c) => c.model)).toEqual(['gpt-x'])
    expect(states.get('openai:b')?.cooldowns.map((c) => c.model)).toEqual(['gpt-x'])
    // ...and nothing was written yet: both are written together on the next turn.
    expect(agent.store.revision()).toBe(before)
    await new Promise((r) => setImmediate(r))
    expect(agent.store.revision()).toBeGreaterThan(before)
    const other = CredentialStore.open(t.storePath(), { readonly: true })
    expect(other.getState('openai:a').cooldowns).toHaveLength(1)
    expect(other.getState('openai:b').cooldowns).toHaveLength(1)
    other.close()
  })
})
