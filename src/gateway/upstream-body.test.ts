import { describe, expect, it } from 'vitest'
import { type BodyTransport, UpstreamBody } from './upstream-body.ts'

/** A transport that records what the body asked of it; cancel answers with fail() as undici does. */
function fakeTransport() {
  const calls = { resumed: 0, cancelled: [] as Error[] }
  let body!: UpstreamBody
  const transport: BodyTransport = {
    resume: () => {
      calls.resumed++
    },
    cancel: (err) => {
      calls.cancelled.push(err)
      body.fail(err)
    },
  }
  body = new UpstreamBody(transport)
  return { body, calls }
}

const b = (s: string) => Buffer.from(s)
const tooLarge = () => new Error('too large')

describe('UpstreamBody', () => {
  it('hands chunks that arrived before the consumer started, then the rest, whole', async () => {
    const { body } = fakeTransport()
    expect(body.push(b('ab'))).toBe(true)
    const whole = body.text(100, tooLarge)
    expect(body.push(b('cd'))).toBe(true)
    body.end()
    expect(await whole).toBe('abcd')
  })

  it('an empty body is an empty buffer; one chunk is returned without a copy', async () => {
    const empty = fakeTransport().body
    empty.end()
    expect((await empty.bytes(10, tooLarge)).length).toBe(0)
    const one = fakeTransport().body
    const chunk = b('{"ok":true}')
    one.push(chunk)
    one.end()
    expect(await one.bytes(100, tooLarge)).toBe(chunk)
  })

  it('more than the limit cancels the transfer and rejects with the caller’s error', async () => {
    const { body, calls } = fakeTransport()
    const whole = body.bytes(3, tooLarge)
    body.push(b('ab'))
    body.push(b('cd'))
    await expect(whole).rejects.toThrow('too large')
    expect(calls.cancelled.map((e) => e.message)).toEqual(['too large'])
  })

  it('a transport failure reaches a consumer that starts after it', async () => {
    const { body } = fakeTransport()
    body.push(b('partial'))
    body.fail(new Error('reset'))
    await expect(body.bytes(100, tooLarge)).rejects.toThrow('reset')
  })

  it('pauses the transport once 64 KiB wait unread and resumes it when a consumer starts', async () => {
    const { body, calls } = fakeTransport()
    expect(body.push(Buffer.alloc(32 * 1024))).toBe(true)
    expect(body.push(Buffer.alloc(32 * 1024))).toBe(false)
    expect(calls.resumed).toBe(0)
    const whole = body.bytes(1024 * 1024, tooLarge)
    expect(calls.resumed).toBe(1)
    body.end()
    expect((await whole).length).toBe(64 * 1024)
  })

  it('eachChunk: false pauses until resume(), and the end resolves after the last chunk', async () => {
    const { body, calls } = fakeTransport()
    const seen: string[] = []
    let room = false
    const done = body.eachChunk((c) => {
      seen.push(c.toString())
      return room
    })
    expect(body.push(b('1'))).toBe(false)
    body.resume()
    expect(calls.resumed).toBe(1)
    room = true
    expect(body.push(b('2'))).toBe(true)
    body.resume() // not paused: nothing to do
    expect(calls.resumed).toBe(1)
    body.end()
    await done
    expect(seen).toEqual(['1', '2'])
  })

  it('eachChunk: a consumer that asks for a pause while catching up keeps the transport paused', () => {
    const { body, calls } = fakeTransport()
    body.push(Buffer.alloc(64 * 1024))
    void body.eachChunk(() => false)
    expect(calls.resumed).toBe(0)
    body.resume()
    expect(calls.resumed).toBe(1)
  })

  it('eachChunk: an error thrown by the consumer rejects with it and cancels the transfer', async () => {
    const { body, calls } = fakeTransport()
    const done = body.eachChunk(() => {
      throw new SyntaxError('bad frame')
    })
    body.push(b('x'))
    await expect(done).rejects.toThrow(SyntaxError)
    expect(calls.cancelled).toHaveLength(1)
    // Late chunks and the end after a cancel are ignored, not delivered or thrown.
    expect(() => body.push(b('y'))).not.toThrow()
  })

  it('discard drains without keeping anything, and a body is read once', async () => {
    const { body } = fakeTransport()
    body.push(Buffer.alloc(1000))
    body.discard()
    expect(body.push(Buffer.alloc(1024 * 1024))).toBe(true)
    await expect(body.text(10, tooLarge)).rejects.toThrow('read once')
    expect(() => body.discard()).toThrow('read once')
  })
})
