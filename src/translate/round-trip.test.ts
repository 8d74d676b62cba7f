/**
 * Cross-format behaviour: any inbound format against any upstream, requests and streams. The
 * official SDKs (dev dependencies) are fed the gateway's SSE output through an in-memory
 * fetch, so "a real client accepts it" is checked by real client code, not by our own parser.
 */

import { readFileSync } from 'node:fs'
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { describe, expect, it } from 'vitest'
import anthropicRequest from './__fixtures__/anthropic-request-tools.json' with { type: 'json' }
import openaiRequest from './__fixtures__/openai-request-tools.json' with { type: 'json' }
import {
  INBOUND,
  type InboundApi,
  isInboundApi,
  isUpstreamApi,
  type StreamParser,
  UPSTREAM,
  type UpstreamApi,
} from './index.ts'
import type { ChatEvent, ChatMessage, ChatRequest } from './ir.ts'
import { createSseDecoder, type SseEvent } from './sse.ts'

const fixture = (name: string): string =>
  readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')

function decode(text: string): SseEvent[] {
  const d = createSseDecoder()
  return [...d.push(text), ...d.end()]
}

/** Upstream SSE text -> IR events, fed in awkward 7-character network reads. */
function upstreamEvents(parser: StreamParser, text: string): ChatEvent[] {
  const dec = createSseDecoder()
  const out: ChatEvent[] = []
  for (let i = 0; i < text.length; i += 7)
    for (const ev of dec.push(text.slice(i, i + 7))) out.push(...parser.push(ev))
  for (const ev of dec.end()) out.push(...parser.push(ev))
  out.push(...parser.end())
  return out
}

function relay(upstream: UpstreamApi, inbound: InboundApi, text: string): string {
  const events = upstreamEvents(
    UPSTREAM[upstream].createStreamParser({ id: 'gen-1', model: 'gemini-2.5-flash' }),
    text,
  )
  const writer = INBOUND[inbound].createStreamWriter({ created: 1747912345 })
  return events.map((e) => writer.write(e)).join('') + writer.end()
}

const sseFetch =
  (body: string): typeof fetch =>
  async () =>
    new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } })

/**
 * What a format change may legitimately alter: argument JSON whitespace (Anthropic carries an
 * object), and turn boundaries (OpenAI needs tool results as separate `tool` messages, so a
 * user turn with results and text becomes two user turns). Content and order must survive.
 */
function normalize(req: ChatRequest): ChatRequest {
  const messages: ChatMessage[] = []
  for (const m of req.messages) {
    const content = m.content.map((p) =>
      p.type === 'tool_call' ? { ...p, arguments: JSON.stringify(JSON.parse(p.arguments || '{}')) } : p,
    )
    const prev = messages.at(-1)
    if (prev?.role === m.role) prev.content.push(...content)
    else messages.push({ role: m.role, content })
  }
  return { ...req, messages }
}

describe('request round trips', () => {
  it('OpenAI request -> IR -> Anthropic request -> IR keeps text, system, tools, calls and results', () => {
    const ir = INBOUND.openai.parseRequest(openaiRequest)
    const anthropic = UPSTREAM['anthropic-messages'].renderRequest(ir)
    const back = INBOUND.anthropic.parseRequest(anthropic)
    expect(normalize(back)).toEqual(normalize(ir))
    expect(back.system).toContain('concise weather assistant')
    expect(back.tools).toEqual(ir.tools)
    expect(back.messages.flatMap((m) => m.content.filter((p) => p.type === 'tool_result'))).toHaveLength(2)
  })

  it('Anthropic request -> IR -> OpenAI request -> IR keeps everything but is_error', () => {
    const ir = INBOUND.anthropic.parseRequest(anthropicRequest)
    const openai = UPSTREAM['openai-completions'].renderRequest(ir)
    const back = INBOUND.openai.parseRequest(openai)
    // OpenAI's tool message has no error flag; the error text itself still reaches the model.
    const withoutErrorFlag = normalize({
      ...ir,
      messages: ir.messages.map((m) => ({
        ...m,
        content: m.content.map((p) =>
          p.type === 'tool_result' ? { type: p.type, toolCallId: p.toolCallId, content: p.content } : p,
        ),
      })),
    })
    expect(normalize(back)).toEqual(withoutErrorFlag)
  })

  it('Anthropic request -> IR -> Anthropic request is lossless for what the IR carries', () => {
    const ir = INBOUND.anthropic.parseRequest(anthropicRequest)
    expect(INBOUND.anthropic.parseRequest(UPSTREAM['anthropic-messages'].renderRequest(ir))).toEqual(ir)
  })

  it('never forwards provider-redirecting fields to any upstream', () => {
    const forbidden = [
      'api_base',
      'base_url',
      'extra_headers',
      'attacker.example.net',
      'api_key',
      'sk-live',
      'stolen',
    ]
    for (const [inbound, body] of [
      ['openai', openaiRequest],
      ['anthropic', anthropicRequest],
    ] as const) {
      const ir = INBOUND[inbound].parseRequest(body)
      for (const kind of Object.keys(UPSTREAM) as UpstreamApi[]) {
        const rendered = JSON.stringify(UPSTREAM[kind].renderRequest(ir))
        for (const s of forbidden) expect(rendered, `${inbound} -> ${kind}`).not.toContain(s)
      }
    }
  })

  it('keys the adapters by inbound API and upstream api kind', () => {
    expect(Object.keys(INBOUND).sort()).toEqual(['anthropic', 'openai'])
    expect(Object.keys(UPSTREAM).sort()).toEqual([
      'anthropic-messages',
      'google-generative-ai',
      'openai-completions',
    ])
    expect(isInboundApi('openai')).toBe(true)
    expect(isInboundApi('toString')).toBe(false)
    expect(isUpstreamApi('google-generative-ai')).toBe(true)
    expect(isUpstreamApi('__proto__')).toBe(false)
  })
})

describe('Anthropic upstream stream -> OpenAI client', () => {
  const sse = relay('anthropic-messages', 'openai', fixture('anthropic-stream-tool-use.sse'))

  it('produces chunks that reassemble the text, tool arguments, finish_reason and usage', () => {
    const frames = decode(sse).map((e) => e.data)
    expect(frames.at(-1)).toBe('[DONE]')
    const chunks = frames.slice(0, -1).map((d) => JSON.parse(d))
    let text = ''
    const args: string[] = []
    let finish: string | undefined
    for (const c of chunks) {
      const delta = c.choices[0]?.delta ?? {}
      text += delta.content ?? ''
      for (const tc of delta.tool_calls ?? [])
        args[tc.index] = (args[tc.index] ?? '') + (tc.function?.arguments ?? '')
      finish = c.choices[0]?.finish_reason ?? finish
    }
    expect(text).toBe("I'll check the current weather in San Francisco for you.")
    expect(args.map((a) => JSON.parse(a))).toEqual([{ location: 'San Francisco, CA', unit: 'fahrenheit' }])
    expect(finish).toBe('tool_calls')
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 412, completion_tokens: 89, total_tokens: 501 },
    })
  })

  it('is accepted by the official OpenAI SDK stream helper', async () => {
    const client = new OpenAI({ apiKey: 'test', baseURL: 'http://gateway.invalid/v1', fetch: sseFetch(sse) })
    const stream = client.chat.completions.stream({
      model: 'anthropic/claude',
      messages: [{ role: 'user', content: 'hi' }],
    })
    const final = await stream.finalChatCompletion()
    const choice = final.choices[0]
    expect(choice?.message.content).toBe("I'll check the current weather in San Francisco for you.")
    expect(choice?.message.tool_calls?.[0]).toMatchObject({
      id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"location": "San Francisco, CA", "unit": "fahrenheit"}' },
    })
    expect(choice?.finish_reason).toBe('tool_calls')
    expect(final.usage).toMatchObject({ prompt_tokens: 412, completion_tokens: 89 })
  })
})

describe('OpenAI upstream stream -> Anthropic client', () => {
  const sse = relay('openai-completions', 'anthropic', fixture('openai-stream-tool-calls.sse'))

  it('produces a well-formed event sequence that reassembles text and both tool calls', () => {
    const events = decode(sse)
    expect(events[0]?.event).toBe('message_start')
    expect(events.at(-1)?.event).toBe('message_stop')
    const payloads = events.map((e) => JSON.parse(e.data))
    let open: number | undefined
    const blocks: Array<{ type: string; text: string; json: string; name?: string; id?: string }> = []
    for (const p of payloads) {
      if (p.type === 'content_block_start') {
        expect(open).toBeUndefined() // one block at a time
        expect(p.index).toBe(blocks.length) // dense, in order
        open = p.index
        blocks.push({
          type: p.content_block.type,
          text: '',
          json: '',
          name: p.content_block.name,
          id: p.content_block.id,
        })
      } else if (p.type === 'content_block_delta') {
        expect(p.index).toBe(open)
        const b = blocks[p.index]!
        if (p.delta.type === 'text_delta') b.text += p.delta.text
        else b.json += p.delta.partial_json
      } else if (p.type === 'content_block_stop') {
        expect(p.index).toBe(open)
        open = undefined
      }
    }
    expect(blocks.map((b) => b.type)).toEqual(['text', 'tool_use', 'tool_use'])
    expect(blocks[0]?.text).toBe('Let me check both cities.')
    expect(blocks.slice(1).map((b) => [b.id, JSON.parse(b.json)])).toEqual([
      ['call_kY2bH3sX0aYq7JcE1rTnWm4P', { location: 'Paris, France' }],
      ['call_Rz9fQ1mW8nLp2VtX6sDcHb0J', { location: 'Tokyo, Japan', unit: 'celsius' }],
    ])
    const delta = payloads.find((p) => p.type === 'message_delta')
    expect(delta).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { output_tokens: 61, input_tokens: 82 },
    })
  })

  it('is accepted by the official Anthropic SDK stream helper', async () => {
    const client = new Anthropic({ apiKey: 'test', baseURL: 'http://gateway.invalid', fetch: sseFetch(sse) })
    const final = await client.messages
      .stream({ model: 'openai/gpt-4o', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] })
      .finalMessage()
    expect(final.id).toBe('chatcmpl-BZq4uKpXW2bXnRzL0gG0fXyTQ1vUa')
    expect(final.content).toEqual([
      expect.objectContaining({ type: 'text', text: 'Let me check both cities.' }),
      expect.objectContaining({
        type: 'tool_use',
        name: 'get_weather',
        input: { location: 'Paris, France' },
      }),
      expect.objectContaining({
        type: 'tool_use',
        name: 'get_weather',
        input: { location: 'Tokyo, Japan', unit: 'celsius' },
      }),
    ])
    expect(final.stop_reason).toBe('tool_use')
    expect(final.usage).toMatchObject({ output_tokens: 61 })
  })

  it('survives a second hop back through the Anthropic parser unchanged in content', () => {
    const first = upstreamEvents(
      UPSTREAM['openai-completions'].createStreamParser({ id: '', model: '' }),
      fixture('openai-stream-tool-calls.sse'),
    )
    const second = upstreamEvents(
      UPSTREAM['anthropic-messages'].createStreamParser({ id: '', model: '' }),
      sse,
    )
    const content = (evs: ChatEvent[]) => evs.filter((e) => e.type !== 'start' && e.type !== 'finish')
    expect(content(second)).toEqual(content(first))
  })
})

describe('Gemini upstream stream -> both clients', () => {
  it('reaches an OpenAI client', async () => {
    const sse = relay('google-generative-ai', 'openai', fixture('gemini-stream-function-call.sse'))
    const client = new OpenAI({ apiKey: 'test', baseURL: 'http://gateway.invalid/v1', fetch: sseFetch(sse) })
    const final = await client.chat.completions
      .stream({ model: 'google/gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] })
      .finalChatCompletion()
    expect(final.choices[0]?.message.content).toBe('Checking the weather in Paris now.')
    expect(final.choices[0]?.message.tool_calls?.[0]?.function.arguments).toBe(
      '{"location":"Paris, France","unit":"celsius"}',
    )
    expect(final.usage).toMatchObject({ prompt_tokens: 57, completion_tokens: 75 })
  })

  it('reaches an Anthropic client', async () => {
    const sse = relay('google-generative-ai', 'anthropic', fixture('gemini-stream-function-call.sse'))
    const client = new Anthropic({ apiKey: 'test', baseURL: 'http://gateway.invalid', fetch: sseFetch(sse) })
    const final = await client.messages
      .stream({
        model: 'google/gemini-2.5-flash',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'hi' }],
      })
      .finalMessage()
    expect(final).toMatchObject({ id: 'gen-1', model: 'gemini-2.5-flash', stop_reason: 'tool_use' })
    expect(final.content[1]).toMatchObject({
      type: 'tool_use',
      id: 'call_0',
      input: { location: 'Paris, France', unit: 'celsius' },
    })
  })
})

describe('non-streaming responses across formats', () => {
  it('Gemini response -> Anthropic and OpenAI bodies', () => {
    const ir = UPSTREAM['google-generative-ai'].parseResponse(
      {
        candidates: [
          { content: { role: 'model', parts: [{ text: 'Bonjour' }] }, finishReason: 'MAX_TOKENS' },
        ],
        usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 4 },
      },
      { id: 'gen-9', model: 'gemini-2.5-pro' },
    )
    expect(INBOUND.anthropic.renderResponse(ir, { created: 0 })).toMatchObject({
      id: 'gen-9',
      content: [{ type: 'text', text: 'Bonjour' }],
      stop_reason: 'max_tokens',
      usage: { input_tokens: 3, output_tokens: 4 },
    })
    expect(INBOUND.openai.renderResponse(ir, { created: 5 })).toMatchObject({
      created: 5,
      choices: [{ message: { content: 'Bonjour' }, finish_reason: 'length' }],
    })
  })

  it('renders errors in each inbound shape', () => {
    expect(INBOUND.openai.renderError('bad model', 'invalid_request_error')).toEqual({
      error: { message: 'bad model', type: 'invalid_request_error', param: null, code: null },
    })
    expect(INBOUND.anthropic.renderError('bad model', 'invalid_request_error')).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'bad model' },
    })
  })
})
