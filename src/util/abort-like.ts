/**
 * The part of AbortSignal that request code uses. A real AbortSignal satisfies it; the gateway
 * gives each run a `LightAbort` instead, because creating an AbortController and adding and
 * removing EventTarget listeners cost more per request than everything else a run records.
 */
export interface AbortLike {
  readonly aborted: boolean
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void
  removeEventListener(type: 'abort', listener: () => void): void
}

/** Listeners run once, in order, on the first abort(); a listener added after it never runs (like AbortSignal). */
export class LightAbort implements AbortLike {
  aborted = false
  reason: unknown
  private listeners: (() => void)[] | undefined

  /** The signal side; the same object, so `controller.signal` reads like AbortController. */
  get signal(): AbortLike {
    return this
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.aborted) return
    if (this.listeners) this.listeners.push(listener)
    else this.listeners = [listener]
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const l = this.listeners
    if (!l) return
    const i = l.indexOf(listener)
    if (i !== -1) l.splice(i, 1)
  }

  abort(reason?: unknown): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason
    const l = this.listeners
    this.listeners = undefined
    if (l) for (const fn of l) fn()
  }
}
