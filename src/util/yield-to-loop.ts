/**
 * Lets timers and I/O run between long synchronous start-up phases (config validation, the
 * first store open, loading the server's modules): with 1,000 agents each phase takes tens of
 * milliseconds, and back to back they would block the event loop for their sum.
 */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
