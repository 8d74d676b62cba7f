/**
 * A counting semaphore. One shared instance bounds how many exec providers run at once across
 * every resolution pass in the process (D-EXEC-14): ten parallel passes must not fork ten
 * vault clients on a 2-core box.
 */
export class Limiter {
  readonly max: number
  #active = 0
  #peak = 0
  readonly #queue: Array<() => void> = []

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('Limiter max must be a positive integer')
    this.max = max
  }

  /** Highest number of tasks that ever ran at once (for tests and diagnostics). */
  get peak(): number {
    return this.#peak
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot straight to the next waiter, so a newcomer can never
    // slip in between the release and the waiter waking up.
    if (this.#active >= this.max) await new Promise<void>((resolve) => this.#queue.push(resolve))
    else this.#active += 1
    this.#peak = Math.max(this.#peak, this.#active)
    try {
      return await task()
    } finally {
      const next = this.#queue.shift()
      if (next) next()
      else this.#active -= 1
    }
  }
}

export const DEFAULT_EXEC_CONCURRENCY = 4

/** Process-wide default used when a caller does not pass its own. */
export const sharedExecLimiter = new Limiter(DEFAULT_EXEC_CONCURRENCY)
