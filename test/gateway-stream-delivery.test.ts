/**
 * How streamed answers travel through the gateway at the byte level, against a raw upstream
 * that controls exactly where its writes split: a character cut between two TCP reads, and a
 * client that stops reading.
 */
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { canary } from './support/cli.ts'
import { startTestGateway, type TestGateway } from './support/gateway-harness.ts'
import { type MockProvider, startMockProvider } from './support/mock-provider/index.ts'
import { untilPushedBack, writeAsTaken } from './support/push-back.ts'

let mock: MockProvider
let gw: TestGateway | undefined
let raw: http.Server | undefined

beforeAll(async () => {
  mock = await startMockProvider()
})
afterAll(async () => {
  await mock.close()
})
afterEach(async () => {
  await gw?.close()
  gw = undefined
  raw?.closeAllConnections()
  raw?.close()
  raw = undefined
})

async function rawUpstream(handler: http.RequestListener): Promise<string> {
  raw = http.createServer(handler)
  raw.listen(0, '127.0.0.1')
  await once(raw, 'listening')
  return `http://127.0.0.1:${(raw.address() as AddressInfo).port}`
}

/** A gateway whose anthropic or openai provider is the raw upstream. */
async function gatewayOn(upstream: string, provider: 'anthropic' | 'openai'): Promise<TestGateway> {
  const providers =
    provider === 'anthropic'
      ? { anthropic: { baseUrl: upstream, api: 'anthropic-messages' } }
      : { openai: { baseUrl: `${upstream}/v1`, api: 'openai-completions' } }
  return startTestGateway({
    mock,
    config: { models: { providers } },
    profiles: { [`${provider}:main`]: { type: 'api_key', provider, key: canary('sk-test-') } },
  })
}

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`

/** An Anthropic stream's events before the first text delta and after the last. */
const ANTHROPIC_HEAD =
  sse('message_start', {
    type: 'message_start',
    message: {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-x',
      content: [],
      usage: { input_tokens: 3, output_tokens: 1 },
    },
  }) +
  sse('content_block_start', {
    type: 'content_block_start',
    index: 0,
    content_block: { type: 'text', text: '' },
  })
const ANTHROPIC_TAIL =
  sse('content_block_stop', { type: 'content_block_stop', index: 0 }) +
  sse('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn' },
    usage: { output_tokens: 4 },
  }) +
  sse('message_stop', { type: 'message_stop' })
const textDelta = (text: string) =>
  Buffer.from(
    sse('content_block_delta', {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text },
    }),
  )

/** The text of an OpenAI chat stream as the client received it. */
const streamedText = (body: string) =>
  body
    .split('\n')
    .filter((l) => l.startsWith('data: {'))
    .map(
      (l) =>
        (JSON.parse(l.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta
          .content ?? '',
    )
    .join('')

/** A streaming chat request over a plain socket, so the test decides when the answer is read. */
function postStream(gatewayUrl: string, model: string): Promise<http.IncomingMessage> {
  const url = new URL(`${gatewayUrl}/v1/chat/completions`)
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      },
      resolve,
    )
    req.on('error', reject)
    req.end(JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'x' }] }))
  })
}

describe('streamed answers at the byte level', () => {
  it('a character whose UTF-8 bytes are split between two upstream reads arrives whole after translation', async () => {
    const text = 'héllo 世界 🌍'
    const delta = textDelta(text)
    // Cut inside 世 (3 bytes in UTF-8): the first write ends one byte into it.
    const cut = delta.indexOf(Buffer.from('世')) + 1
    let release!: () => void
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    const upstream = await rawUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(Buffer.concat([Buffer.from(ANTHROPIC_HEAD), delta.subarray(0, cut)]))
      void released.then(() => res.end(Buffer.concat([delta.subarray(cut), Buffer.from(ANTHROPIC_TAIL)])))
    })
    gw = await gatewayOn(upstream, 'anthropic')
    const res = await postStream(gw.url, 'anthropic/claude-x')
    expect(res.statusCode).toBe(200)
    res.setEncoding('utf8')
    let got = ''
    const ended = once(res, 'end')
    res.on('data', (c: string) => {
      got += c
      // The first translated chunk proves the gateway has read the first write, half character included.
      if (got.includes('data: ')) release()
    })
    await ended
    expect(streamedText(got)).toBe(text)
    expect(got).not.toContain('\uFFFD')
  })

  it('a client that stops reading pushes back on the provider instead of the gateway buffering the answer', async () => {
    const frame = Buffer.from(`data: ${JSON.stringify({ pad: 'x'.repeat(64 * 1024 - 20) })}\n\n`)
    const count = 1024 // 64 MiB
    let progress!: ReturnType<typeof writeAsTaken>
    const upstream = await rawUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      progress = writeAsTaken(res, frame, count)
    })
    gw = await gatewayOn(upstream, 'openai')
    const res = await postStream(gw.url, 'openai/gpt-x')
    expect(res.statusCode).toBe(200)
    res.pause()
    await untilPushedBack(progress, count)
    expect(progress.sent).toBeLessThan(count / 2)
    let received = 0
    res.on('data', (c: Buffer) => {
      received += c.length
    })
    res.resume()
    await once(res, 'end')
    expect(received).toBe(count * frame.length)
  })

  it('the same holds for a translated stream (Anthropic provider, OpenAI client)', async () => {
    const piece = 'y'.repeat(32 * 1024)
    const count = 1024 // 32 MiB of text
    let progress!: ReturnType<typeof writeAsTaken>
    const upstream = await rawUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(ANTHROPIC_HEAD)
      progress = writeAsTaken(res, textDelta(piece), count, ANTHROPIC_TAIL)
    })
    gw = await gatewayOn(upstream, 'anthropic')
    const res = await postStream(gw.url, 'anthropic/claude-x')
    expect(res.statusCode).toBe(200)
    res.pause()
    await untilPushedBack(progress, count)
    expect(progress.sent).toBeLessThan(count / 2)
    let text = ''
    res.setEncoding('utf8')
    res.on('data', (c: string) => {
      text += c
    })
    res.resume()
    await once(res, 'end')
    expect(streamedText(text).length).toBe(count * piece.length)
  })
})
