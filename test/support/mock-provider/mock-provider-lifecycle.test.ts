/**
 * Connection-level behaviors: gated streams and release, hang + client abort, socket reset,
 * simulated latency, and close() with requests still open. Synchronised on the mock's events.
 */
import { once } from 'node:events'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { type MockProvider, type RecordedRequest, readUntil, sseJson, startMockProvider } from './index.ts'
import { anthropicRequest, geminiRequest, openaiRequest } from './test-requests.ts'

let mock: MockProvider

beforeEach(async () => {
  mock ??= await startMockProvider()
  mock.reset()
})
afterAll(() => mock?.close())

const GATED_TEXT = 'The quick brown fox jumps over the lazy dog'

describe('stream_gated', () => {
  it('sends headers and the first chunk, then waits for release(id)', async () => {
    mock.setBehavior('k', { kind: 'stream_gated', text: GATED_TEXT })
    const firstSent = once(mock.events, 'first-chunk-sent')
    const waiting = once(mock.events, 'gate-waiting')
    const res = await anthropicRequest(mock, { key: 'k', stream: true })
    const id = res.headers.get('x-mock-request-id')!
    expect(res.status).toBe(200)
    expect(await firstSent).toEqual([{ id }])
    await waiting
    const reader = res.body!.getReader()
    const head = await readUntil(reader, (t) => t.includes('text_delta'))
    expect(head).toContain('message_start')
    expect(head).not.toContain('message_stop')
    expect(mock.requests[0]!.status).toBe(200)

    const finished = once(mock.events, 'response-finished')
    mock.release(id)
    const all = await readUntil(reader, () => false, head)
    await finished
    const data = sseJson(all)
    expect(data.at(-1).type).toBe('message_stop')
    const text = data.filter((d) => d.delta?.type === 'text_delta').map((d) => d.delta.text)
    expect(text.length).toBeGreaterThanOrEqual(2)
    expect(text.join('')).toBe(GATED_TEXT)
  })

  it('a release that arrives before the gate lets the stream run through', async () => {
    mock.setBehavior('k', { kind: 'stream_gated', text: GATED_TEXT })
    mock.events.once('request', (r: RecordedRequest) => mock.release(r.id))
    const chunks = sseJson(await (await openaiRequest(mock, { key: 'k', stream: true })).text())
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(GATED_TEXT)
  })

  it('release() without an id releases every waiting stream', async () => {
    mock.setBehavior('k', { kind: 'stream_gated', text: GATED_TEXT })
    let gated = 0
    const bothWaiting = new Promise<void>((resolve) => {
      const onWait = () => {
        gated += 1
        if (gated === 2) {
          mock.events.off('gate-waiting', onWait)
          resolve()
        }
      }
      mock.events.on('gate-waiting', onWait)
    })
    const a = openaiRequest(mock, { key: 'k', stream: true })
    const b = geminiRequest(mock, { key: 'k', stream: true })
    await bothWaiting
    mock.release()
    const [ra, rb] = await Promise.all([a, b])
    expect((await ra.text()).trimEnd().endsWith('data: [DONE]')).toBe(true)
    expect(sseJson(await rb.text()).at(-1).candidates[0].finishReason).toBe('STOP')
  })

  it('a non-streaming gated request gets no response until released', async () => {
    mock.setBehavior('k', { kind: 'stream_gated', text: 'held' })
    const waiting = once(mock.events, 'gate-waiting')
    let settled = false
    const pending = anthropicRequest(mock, { key: 'k' }).finally(() => {
      settled = true
    })
    const [{ id }] = (await waiting) as [{ id: string }]
    expect(settled).toBe(false)
    mock.release(id)
    expect((await (await pending).json()).content[0].text).toBe('held')
  })

  it('a client that disconnects mid-stream fires client-aborted and no response-finished', async () => {
    mock.setBehavior('k', { kind: 'stream_gated', text: GATED_TEXT })
    const controller = new AbortController()
    const firstSent = once(mock.events, 'first-chunk-sent')
    let finished = false
    mock.events.on('response-finished', () => {
      finished = true
    })
    const res = await anthropicRequest(mock, { key: 'k', stream: true, signal: controller.signal })
    await firstSent
    const aborted = once(mock.events, 'client-aborted')
    controller.abort()
    expect(await aborted).toEqual([{ id: res.headers.get('x-mock-request-id') }])
    expect(finished).toBe(false)
    mock.events.removeAllListeners('response-finished')
  })
})

describe('hang, reset and latency', () => {
  it('hang never answers; the client aborting fires client-aborted', async () => {
    mock.setBehavior('k', { kind: 'hang' })
    const controller = new AbortController()
    const received = once(mock.events, 'request')
    const pending = openaiRequest(mock, { key: 'k', signal: controller.signal })
    const [rec] = (await received) as [RecordedRequest]
    const aborted = once(mock.events, 'client-aborted')
    controller.abort()
    await expect(pending).rejects.toThrow(/abort/i)
    expect(await aborted).toEqual([{ id: rec.id }])
    expect(rec.status).toBeUndefined()
  })

  it('reset destroys the socket: fetch fails without a response', async () => {
    mock.setBehavior('k', { kind: 'reset' })
    await expect(anthropicRequest(mock, { key: 'k' })).rejects.toThrow(TypeError)
    expect(mock.requests).toHaveLength(1)
    expect(mock.requests[0]!.status).toBeUndefined()
  })

  it('delayMs holds the answer (simulated upstream latency)', async () => {
    mock.setBehavior('k', { kind: 'ok', text: 'late', delayMs: 30 })
    const started = Date.now()
    const res = await geminiRequest(mock, { key: 'k' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(25)
    expect((await res.json()).candidates[0].content.parts[0].text).toBe('late')
  })

  it('a client leaving during delayMs fires client-aborted', async () => {
    mock.setBehavior('k', { kind: 'ok', delayMs: 60_000 })
    const controller = new AbortController()
    const received = once(mock.events, 'request')
    const pending = anthropicRequest(mock, { key: 'k', signal: controller.signal })
    await received
    const aborted = once(mock.events, 'client-aborted')
    controller.abort()
    await expect(pending).rejects.toThrow(/abort/i)
    await aborted
  })
})

describe('close', () => {
  it('returns promptly with hanging, gated and delayed requests open', async () => {
    const own = await startMockProvider()
    own.setBehavior('hang', { kind: 'hang' })
    own.setBehavior('gate', { kind: 'stream_gated', text: GATED_TEXT })
    own.setBehavior('slow', { kind: 'ok', delayMs: 60_000 })
    let seen = 0
    const allIn = new Promise<void>((resolve) => {
      own.events.on('request', () => {
        seen += 1
        if (seen === 3) resolve()
      })
    })
    const gateWaiting = once(own.events, 'gate-waiting')
    const outcomes = [
      openaiRequest(own, { key: 'hang' }),
      anthropicRequest(own, { key: 'gate', stream: true }).then((r) => r.text()),
      geminiRequest(own, { key: 'slow' }),
    ].map((p) =>
      p.then(
        () => 'settled',
        () => 'failed',
      ),
    )
    await allIn
    await gateWaiting
    const started = Date.now()
    await own.close()
    expect(Date.now() - started).toBeLessThan(1000)
    expect(await Promise.all(outcomes)).toEqual(['failed', 'failed', 'failed'])
    await own.close()
  })
})
