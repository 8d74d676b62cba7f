/**
 * An upstream response body without a stream object: the transport pushes chunks in, one
 * consumer takes them out, whole (bytes, text), chunk by chunk with backpressure (eachChunk), or
 * not at all (discard). undici's request API wraps every response in a Readable; on the hot
 * path that wrapper and its events cost ~3-4 µs of CPU per request (paired client runs, ~15%
 * of the client's own cost), where this costs an array and a closure.
 */

/** Bytes held for a consumer that has not started reading before the transport is paused. */
const HOLD_LIMIT = 64 * 1024

/** What the body needs from the connection under it. */
export interface BodyTransport {
  /** Deliver again after push() returned false. */
  resume(): void
  /** Stop the transfer; the transport answers with fail(). */
  cancel(err: Error): void
}

interface Sink {
  /** false asks for a pause until UpstreamBody.resume(). */
  data(chunk: Buffer): boolean
  end(): void
  fail(err: unknown): void
}

const ignore: Sink = { data: () => true, end: () => {}, fail: () => {} }

export class UpstreamBody {
  private readonly transport: BodyTransport
  private held: Buffer[] | undefined
  private heldBytes = 0
  private ended = false
  private failed = false
  private error: unknown
  private sink: Sink | undefined
  private taken = false
  private paused = false

  constructor(transport: BodyTransport) {
    this.transport = transport
  }

  // The transport's side.

  /** A chunk from the wire; false asks the transport to pause until resume(). */
  push(chunk: Buffer): boolean {
    const sink = this.sink
    if (sink) {
      if (!sink.data(chunk)) this.paused = true
      return !this.paused
    }
    if (this.held) this.held.push(chunk)
    else this.held = [chunk]
    this.heldBytes += chunk.length
    if (this.heldBytes >= HOLD_LIMIT) this.paused = true
    return !this.paused
  }

  end(): void {
    if (this.ended || this.failed) return
    this.ended = true
    const sink = this.sink
    this.sink = undefined
    sink?.end()
  }

  fail(err: unknown): void {
    if (this.ended || this.failed) return
    this.failed = true
    this.error = err
    const sink = this.sink
    this.sink = undefined
    sink?.fail(err)
  }

  // The consumer's side: one of bytes, text, eachChunk or discard, once.

  /** The whole body; more than `limit` bytes cancels the transfer and rejects with tooLarge(). */
  bytes(limit: number, tooLarge: () => Error): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      let first: Buffer | undefined
      let list: Buffer[] | undefined
      let size = 0
      let over = false
      this.take({
        data: (chunk) => {
          if (over) return true
          size += chunk.length
          if (size > limit) {
            over = true
            const err = tooLarge()
            reject(err)
            this.transport.cancel(err)
          } else if (first === undefined) first = chunk
          else if (list === undefined) list = [first, chunk]
          else list.push(chunk)
          return true
        },
        end: () => {
          if (!over) resolve(list ? Buffer.concat(list, size) : (first ?? EMPTY))
        },
        fail: (err) => {
          if (!over) reject(err)
        },
      })
    })
  }

  text(limit: number, tooLarge: () => Error): Promise<string> {
    return this.bytes(limit, tooLarge).then((b) => b.toString('utf8'))
  }

  /**
   * Calls onChunk for each chunk as it arrives (synchronously, from the socket's read); a
   * false return pauses the transfer until resume(). Resolves at the end, rejects with the
   * transport's error, or with onChunk's own error after cancelling the transfer.
   */
  eachChunk(onChunk: (chunk: Buffer) => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      let stopped = false
      this.take({
        data: (chunk) => {
          if (stopped) return true
          try {
            return onChunk(chunk)
          } catch (err) {
            stopped = true
            reject(err)
            this.transport.cancel(new Error('the gateway stopped reading the upstream body'))
            return true
          }
        },
        end: () => {
          if (!stopped) resolve()
        },
        fail: (err) => {
          if (stopped) return
          stopped = true
          reject(err)
        },
      })
    })
  }

  /** Reads and drops the rest, so the connection is reused rather than closed. */
  discard(): void {
    this.take(ignore)
  }

  /** Ends a pause asked for by eachChunk's onChunk. */
  resume(): void {
    if (!this.paused) return
    this.paused = false
    this.transport.resume()
  }

  private take(sink: Sink): void {
    if (this.taken) throw new Error('an upstream body is read once')
    this.taken = true
    const held = this.held
    this.held = undefined
    this.heldBytes = 0
    let wantsPause = false
    if (held) for (const chunk of held) if (!sink.data(chunk)) wantsPause = true
    if (this.failed) sink.fail(this.error)
    else if (this.ended) sink.end()
    else {
      this.sink = sink
      if (wantsPause) this.paused = true
      else this.resume()
    }
  }
}

const EMPTY = Buffer.alloc(0)
