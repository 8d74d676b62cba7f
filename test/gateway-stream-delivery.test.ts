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

/** A gateway whose anthropic and openai providers are the raw upstream. */
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

/** Polls with a deadline; each turn of the event loop polls every socket once. */
async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setImmediate(r))
  }
}

describe('streamed answers at the byte level', () => {
  it('a character whose UTF-8 bytes are split between two upstream reads arrives whole after translation', async () => {
    const text = 'héllo 世界 🌍'
    const delta = Buffer.from(
      sse('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text },
      }),
    )
    // Cut inside 世 (3 bytes in UTF-8): the first write ends one byte into it.
    const cut = delta.indexOf(Buffer.from('世')) + 1
    let release!: () => void
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    const upstream = await rawUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(
        Buffer.concat([
          Buffer.from(
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
              }),
          ),
          delta.subarray(0, cut),
        ]),
      )
      void released.then(() => {
        res.end(
          Buffer.concat([
            delta.subarray(cut),
            Buffer.from(
              sse('content_block_stop', { type: 'content_block_stop', index: 0 }) +
                sse('message_delta', {
                  type: 'message_delta',
                  delta: { stop_reason: 'end_turn' },
                  usage: { output_tokens: 4 },
                }) +
                sse('message_stop', { type: 'message_stop' }),
            ),
          ]),
        )
      })
    })
    gw = await gatewayOn(upstream, 'anthropic')
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'anthropic/claude-x',
        stream: true,
        messages: [{ role: 'user', content: 'x' }],
      }),
    })
    expect(res.status).toBe(200)
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let got = ''
    // The first translated chunk proves the gateway has read the first write, half character included.
    while (!got.includes('data: ')) {
      const { value, done } = await reader.read()
      if (done) break
      got += decoder.decode(value, { stream: true })
    }
    release()
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      got += decoder.decode(value, { stream: true })
    }
    const content = got
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => JSON.parse(l.slice(6)) as { choices: { delta: { content?: string } }[] })
      .map((c) => c.choices[0]?.delta.content ?? '')
      .join('')
    expect(content).toBe(text)
    expect(got).not.toContain('\uFFFD')
  })

  it('a client that stops reading pushes back on the provider instead of the gateway buffering the answer', async () => {
    const total = 64 * 1024 * 1024
    const frame = Buffer.from(`data: ${JSON.stringify({ pad: 'x'.repeat(64 * 1024 - 20) })}\n\n`)
    let written = 0
    let stalled = false
    const upstream = await rawUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      const more = () => {
        while (written < total) {
          written += frame.length
          if (!res.write(frame)) {
            stalled = true
            res.once('drain', () => {
              stalled = false
              more()
            })
            return
          }
        }
        res.end()
      }
      more()
    })
    gw = await gatewayOn(upstream, 'openai')
    const url = new URL(`${gw.url}/v1/chat/completions`)
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
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
      req.end(
        JSON.stringify({ model: 'openai/gpt-x', stream: true, messages: [{ role: 'user', content: 'x' }] }),
      )
    })
    expect(res.statusCode).toBe(200)
    res.pause()
    // Stuck: 50 event-loop turns without the upstream writing more, with most of the answer unsent.
    let last = -1
    let still = 0
    await until(() => {
      if (stalled && written === last) still++
      else {
        still = 0
        last = written
      }
      return still >= 50 || written >= total
    }, 'the upstream to be pushed back')
    expect(written).toBeLessThan(total / 2)
    let received = 0
    res.on('data', (c: Buffer) => {
      received += c.length
    })
    res.resume()
    await once(res, 'end')
    expect(received).toBe(written)
    expect(received).toBeGreaterThanOrEqual(total)
  })

  it('the same holds for a translated stream (Anthropic provider, OpenAI client)', async () => {
    const piece = 'y'.repeat(32 * 1024)
    const events = 1024 // 32 MiB of text
    const delta = Buffer.from(
      sse('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: piece },
      }),
    )
    let sent = 0
    let stalled = false
    const upstream = await rawUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(
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
          }),
      )
      const more = () => {
        while (sent < events) {
          sent++
          if (!res.write(delta)) {
            stalled = true
            res.once('drain', () => {
              stalled = false
              more()
            })
            return
          }
        }
        res.end(
          sse('content_block_stop', { type: 'content_block_stop', index: 0 }) +
            sse('message_delta', {
              type: 'message_delta',
              delta: { stop_reason: 'end_turn' },
              usage: { output_tokens: 4 },
            }) +
            sse('message_stop', { type: 'message_stop' }),
        )
      }
      more()
    })
    gw = await gatewayOn(upstream, 'anthropic')
    const url = new URL(`${gw.url}/v1/chat/completions`)
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
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
      req.end(
        JSON.stringify({
          model: 'anthropic/claude-x',
          stream: true,
          messages: [{ role: 'user', content: 'x' }],
        }),
      )
    })
    expect(res.statusCode).toBe(200)
    res.pause()
    let last = -1
    let still = 0
    await until(() => {
      if (stalled && sent === last) still++
      else {
        still = 0
        last = sent
      }
      return still >= 50 || sent >= events
    }, 'the upstream to be pushed back')
    expect(sent).toBeLessThan(events / 2)
    let text = ''
    res.setEncoding('utf8')
    res.on('data', (c: string) => {
      text += c
    })
    res.resume()
    await once(res, 'end')
    const content = text
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map(
        (l) =>
          (JSON.parse(l.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta
            .content ?? '',
      )
      .join('')
    expect(content.length).toBe(events * piece.length)
  })
})
