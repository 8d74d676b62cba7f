/**
 * For backpressure tests: a server-side writer that sends as fast as its peer takes the bytes,
 * and a wait until that writer is stuck, i.e. nobody reads the far end of its socket.
 */
import type { ServerResponse } from 'node:http'

export interface WriteProgress {
  /** Chunks handed to res.write so far. */
  sent: number
  /** Waiting for 'drain'. */
  stalled: boolean
}

/** Writes `chunk` `count` times, waiting for 'drain' whenever write() says the buffer is full; then `end`. */
export function writeAsTaken(res: ServerResponse, chunk: Buffer, count: number, end?: string): WriteProgress {
  const p: WriteProgress = { sent: 0, stalled: false }
  const more = () => {
    while (p.sent < count) {
      p.sent++
      if (!res.write(chunk)) {
        p.stalled = true
        res.once('drain', () => {
          p.stalled = false
          more()
        })
        return
      }
    }
    res.end(end)
  }
  more()
  return p
}

/**
 * Resolves once the writer has made no progress for 50 event-loop turns while stalled (each
 * turn polls every socket, so a reading peer would have drained something), or has sent all
 * `count` chunks (the caller's assertion then fails: nothing pushed back). Throws at the deadline.
 */
export async function untilPushedBack(p: WriteProgress, count: number, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  let last = -1
  let still = 0
  while (still < 50 && p.sent < count) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the writer to be pushed back')
    await new Promise((r) => setImmediate(r))
    if (p.stalled && p.sent === last) still++
    else {
      still = 0
      last = p.sent
    }
  }
}
