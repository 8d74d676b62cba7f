/**
 * Test scripting state: which behavior each credential gets (with queue semantics) and the
 * gates that hold `stream_gated` responses until the test calls `release`.
 */
import type { Behavior } from './types.ts'

const DEFAULT_BEHAVIOR: Behavior = { kind: 'auth' }

export class BehaviorScript {
  private readonly queues = new Map<string, Behavior[]>()
  private fallback: Behavior = DEFAULT_BEHAVIOR

  set(credential: string, behavior: Behavior | Behavior[]): void {
    const queue = Array.isArray(behavior) ? [...behavior] : [behavior]
    if (queue.length === 0) throw new Error(`setBehavior(${credential}): empty behavior queue`)
    this.queues.set(credential, queue)
  }

  setDefault(behavior: Behavior): void {
    this.fallback = behavior
  }

  /** The behavior for this request: consumes the head of a queue, the last entry repeats. */
  next(credential: string | undefined): Behavior {
    const queue = credential === undefined ? undefined : this.queues.get(credential)
    if (!queue) return this.fallback
    const head = queue[0]!
    if (queue.length > 1) queue.shift()
    return head
  }

  clear(): void {
    this.queues.clear()
    this.fallback = DEFAULT_BEHAVIOR
  }
}

/** Waiters keyed by request id; a release may arrive before the request reaches its gate. */
export class GateRegistry {
  private readonly waiting = new Map<string, (released: boolean) => void>()
  private readonly early = new Set<string>()

  /** Resolves true on release, false when the signal aborts first (client gone or mock closed). */
  wait(id: string, signal: AbortSignal): Promise<boolean> {
    if (this.early.delete(id)) return Promise.resolve(true)
    if (signal.aborted) return Promise.resolve(false)
    return new Promise<boolean>((resolve) => {
      const finish = (released: boolean) => {
        this.waiting.delete(id)
        signal.removeEventListener('abort', onAbort)
        resolve(released)
      }
      const onAbort = () => finish(false)
      signal.addEventListener('abort', onAbort, { once: true })
      this.waiting.set(id, finish)
    })
  }

  release(id?: string): void {
    if (id === undefined) {
      for (const finish of [...this.waiting.values()]) finish(true)
      return
    }
    const finish = this.waiting.get(id)
    if (finish) finish(true)
    else this.early.add(id)
  }

  pendingIds(): string[] {
    return [...this.waiting.keys()]
  }

  clearEarly(): void {
    this.early.clear()
  }
}
