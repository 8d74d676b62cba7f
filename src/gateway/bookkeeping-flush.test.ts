import { describe, expect, it } from 'vitest'
import type { AgentState } from './agent-state.ts'
import { BookkeepingFlusher } from './bookkeeping-flush.ts'

/** Agents that count their flushes; `bad` throws like a store that cannot be written. */
function fakeAgents(n: number, bad = -1) {
  const flushed: string[] = []
  const agents = Array.from({ length: n }, (_, i) => {
    let pending = true
    return {
      agentId: `a${i}`,
      hasPending: () => pending,
      flush: () => {
        if (i === bad) throw new Error('database is locked')
        pending = false
        flushed.push(`a${i}`)
        return 1
      },
    } as unknown as AgentState
  })
  return { agents, flushed }
}

describe('BookkeepingFlusher', () => {
  it('writes within the budget, then finishes on later turns of the loop', async () => {
    const { agents, flushed } = fakeAgents(5)
    // Each clock read advances 10 ms: the budget of 25 ms covers two agents per turn.
    let t = 0
    const f = new BookkeepingFlusher(
      () => agents,
      () => {},
    )
    expect(f.some(25, () => (t += 10))).toBe(3)
    expect(flushed).toEqual(['a0', 'a1'])
    const deadline = Date.now() + 5000
    while (flushed.length < 5 && Date.now() < deadline) await new Promise((r) => setImmediate(r))
    expect(flushed).toEqual(['a0', 'a1', 'a2', 'a3', 'a4'])
  })

  it('a store that fails is logged by agent and the others are still written', () => {
    const { agents, flushed } = fakeAgents(3, 1)
    const logs: string[] = []
    new BookkeepingFlusher(
      () => agents,
      (level, msg) => logs.push(`${level}: ${msg}`),
    ).all()
    expect(flushed).toEqual(['a0', 'a2'])
    expect(logs).toEqual(['warn: could not write usage bookkeeping for agent a1: database is locked'])
  })
})
