/**
 * Writing the agents' queued success bookkeeping (`lastUsed`, counters) to their stores: all at
 * once (shutdown, tests) or within a time budget per turn of the event loop (the periodic flush),
 * so hundreds of dirty agents never block requests for hundreds of milliseconds.
 */
import type { AgentState } from './agent-state.ts'
import type { Logger } from './gateway-context.ts'

export class BookkeepingFlusher {
  private queued = false
  private readonly agents: () => Iterable<AgentState>
  private readonly log: Logger

  constructor(agents: () => Iterable<AgentState>, log: Logger) {
    this.agents = agents
    this.log = log
  }

  all(): void {
    for (const a of this.agents()) this.one(a)
  }

  /**
   * Each store is its own fsync'd transaction: writes until `budgetMs` is spent, then continues
   * on the next turn of the loop, so requests are served in between; returns the number of
   * agents still waiting.
   */
  some(budgetMs = 20, elapsed: () => number = performance.now.bind(performance)): number {
    const start = elapsed()
    let left = 0
    for (const a of this.agents()) {
      if (!a.hasPending()) continue
      if (elapsed() - start >= budgetMs) {
        left++
        continue
      }
      this.one(a)
    }
    if (left > 0 && !this.queued) {
      this.queued = true
      setImmediate(() => {
        this.queued = false
        this.some(budgetMs, elapsed)
      })
    }
    return left
  }

  private one(a: AgentState): void {
    try {
      a.flush()
    } catch (err) {
      this.log('warn', `could not write usage bookkeeping for agent ${a.agentId}: ${(err as Error).message}`)
    }
  }
}
