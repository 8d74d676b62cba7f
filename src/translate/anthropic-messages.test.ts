import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import request from './__fixtures__/anthropic-request-tools.json' with { type: 'json' }
import {
  createAnthropicStreamParser,
  createAnthropicStreamWriter,
  parseAnthropicRequest,
  parseAnthropicResponse,
  renderAnthropicRequest,
  renderAnthropicResponse,
} from './anthropic-messages.ts'
import { type ChatEvent, TranslationError } from './ir.ts'
import { createSseDecoder } from './sse.ts'

const fixture = (name: string): string =>
  readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')

function pathOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    if (e instanceof TranslationError) return e.path
    throw e
  }
  throw new Error('expected a TranslationError')
}

describe('parseAnthropicRequest', () => {
  const ir = parseAnthropicRequest(request)

  it('maps top-level fields', () => {
    expect(ir).toMatchObject({
      model: 'claude-sonnet-4-5-20250929',
      maxTokens: 2048,
      system:
        "You are Claude Code, Anthropic's official CLI for Claude.\n\nWorking directory: /home/dev/project",
      toolChoice: 'required',
      temperature: 1,
      stop: ['</done>'],
      stream: true,
      user: 'user_abc123_account_def_session_789',
    })
    expect(ir.tools?.map((t) => t.name)).toEqual(['Bash', 'Read'])
    expect(ir.tools?.[0]?.parameters).toMatchObject({ required: ['command'] })
  })

  it('maps tool_use, tool_result (with is_error) and images; drops replayed thinking', () => {
    expect(ir.messages[1]?.content).toEqual([
      { type: 'text', text: "I'll do both at once." },
      {
        type: 'tool_call',
        id: 'toolu_01A09q90qw90lq917835lq9',
        name: 'Bash',
        arguments: '{"command":"ls src","description":"List files"}',
      },
      {
        type: 'tool_call',
        id: 'toolu_01B2c3D4e5F6g7H8i9J0kLmN',
        name: 'Read',
        arguments: '{"file_path":"/home/dev/project/package.json"}',
      },
    ])
    expect(ir.messages[2]?.content).toEqual([
      { type: 'tool_result', toolCallId: 'toolu_01A09q90qw90lq917835lq9', content: 'index.ts\nutil.ts' },
      {
        type: 'tool_result',
        toolCallId: 'toolu_01B2c3D4e5F6g7H8i9J0kLmN',
        content: 'ENOENT: no such file',
        isError: true,
      },
      { type: 'text', text: 'Also, what is in this screenshot?' },
      { type: 'image', mediaType: 'image/jpeg', data: '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwc=' },
    ])
  })

  it('maps every tool_choice form', () => {
    const choice = (tool_choice: unknown) =>
      parseAnthropicRequest({ model: 'm', messages: [], tool_choice }).toolChoice
    expect(choice({ type: 'auto' })).toBe('auto')
    expect(choice({ type: 'any' })).toBe('required')
    expect(choice({ type: 'none' })).toBe('none')
    expect(choice({ type: 'tool', name: 'Bash' })).toEqual({ name: 'Bash' })
  })

  it('accepts an image by url', () => {
    const r = parseAnthropicRequest({
      model: 'm',
      messages: [
        { role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://x.test/a.png' } }] },
      ],
    })
    expect(r.messages[0]?.content[0]).toEqual({
      type: 'image',
      mediaType: 'image/png',
      url: 'https://x.test/a.png',
    })
  })

  it.each([
    [{ messages: [] }, '$.model'],
    [{ model: 'm' }, '$.messages'],
    [{ model: 'm', messages: [], system: 3 }, '$.system'],
    [{ model: 'm', messages: [], system: [{ type: 'image' }] }, '$.system[0].type'],
    [
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'document' }] }] },
      '$.messages[0].content[0].type',
    ],
    [
      {
        model: 'm',
        messages: [{ role: 'user', content: [{ type: 'tool_use', id: 'a', name: 'b', input: {} }] }],
      },
      '$.messages[0].content[0].type',
    ],
    [
      {
        model: 'm',
        messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 'b', input: 'x' }] }],
      },
      '$.messages[0].content[0].input',
    ],
    [
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'tool_result', content: 'x' }] }] },
      '$.messages[0].content[0].tool_use_id',
    ],
    [
      {
        model: 'm',
        messages: [
          {
            role: 'user',
            content: [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'image' }] }],
          },
        ],
      },
      '$.messages[0].content[0].content[0].type',
    ],
    [
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file' } }] }] },
      '$.messages[0].content[0].source.type',
    ],
    [
      { model: 'm', messages: [], tools: [{ type: 'web_search_20250305', name: 'web_search' }] },
      '$.tools[0].type',
    ],
    [{ model: 'm', messages: [], tools: [{ name: 'f' }] }, '$.tools[0].input_schema'],
    [{ model: 'm', messages: [], tool_choice: { type: 'maybe' } }, '$.tool_choice.type'],
    [{ model: 'm', messages: [], max_tokens: -1 }, '$.max_tokens'],
    [{ model: 'm', messages: [], metadata: { user_id: 5 } }, '$.metadata.user_id'],
  ])('rejects malformed input %j at %s', (body, path) => {
    expect(pathOf(() => parseAnthropicRequest(body))).toBe(path)
  })
})

describe('renderAnthropicRequest', () => {
  it('defaults max_tokens to 4096 and puts tool results first in a user turn', () => {
    const body = renderAnthropicRequest({
      model: 'claude',
      stream: false,
      messages: [
        { role: 'assistant', content: [{ type: 'tool_call', id: 't', name: 'f', arguments: '' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'note' },
            { type: 'tool_result', toolCallId: 't', content: 'done', isError: true },
          ],
        },
      ],
      toolChoice: { name: 'f' },
      user: 'u1',
    })
    expect(body).toEqual({
      model: 'claude',
      max_tokens: 4096,
      messages: [
        { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't', content: 'done', is_error: true },
            { type: 'text', text: 'note' },
          ],
        },
      ],
      tool_choice: { type: 'tool', name: 'f' },
      stream: false,
      metadata: { user_id: 'u1' },
    })
  })

  it('round-trips the fixture request through the IR', () => {
    const ir = parseAnthropicRequest(request)
    expect(parseAnthropicRequest(renderAnthropicRequest(ir))).toEqual(ir)
  })

  it('refuses tool-call arguments that are not a JSON object, naming the part', () => {
    const render = (args: string) =>
      renderAnthropicRequest({
        model: 'm',
        stream: false,
        messages: [
          { role: 'assistant', content: [{ type: 'tool_call', id: 't', name: 'f', arguments: args }] },
        ],
      })
    expect(pathOf(() => render('{bad'))).toBe('messages[0].content[0].arguments')
    expect(pathOf(() => render('[1]'))).toBe('messages[0].content[0].arguments')
  })
})

const message = {
  id: 'msg_01Aq9w938a90dw8q',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5-20250929',
  content: [
    { type: 'thinking', thinking: 'Let me think', signature: 'sig' },
    { type: 'text', text: 'I will look that up.' },
    { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { location: 'Paris' } },
  ],
  stop_reason: 'tool_use',
  stop_sequence: null,
  usage: {
    input_tokens: 20,
    cache_creation_input_tokens: 100,
    cache_read_input_tokens: 2000,
    output_tokens: 30,
  },
}

describe('Anthropic responses', () => {
  it('parses content, stop reason and total input usage (cache reads and writes included)', () => {
    expect(parseAnthropicResponse(message)).toEqual({
      id: 'msg_01Aq9w938a90dw8q',
      model: 'claude-sonnet-4-5-20250929',
      content: [
        { type: 'text', text: 'I will look that up.' },
        { type: 'tool_call', id: 'toolu_01', name: 'get_weather', arguments: '{"location":"Paris"}' },
      ],
      stopReason: 'tool_calls',
      usage: { inputTokens: 2120, outputTokens: 30 },
    })
  })

  it.each([
    ['end', 'end_turn'],
    ['max_tokens', 'max_tokens'],
    ['tool_calls', 'tool_use'],
    ['stop_sequence', 'stop_sequence'],
    ['content_filter', 'refusal'],
  ] as const)('renders stop reason %s as %s', (stopReason, expected) => {
    const body = renderAnthropicResponse({
      id: 'i',
      model: 'm',
      content: [],
      stopReason,
      usage: { inputTokens: 1, outputTokens: 2 },
    })
    expect(body).toEqual({
      id: 'i',
      type: 'message',
      role: 'assistant',
      model: 'm',
      content: [],
      stop_reason: expected,
      stop_sequence: null,
      usage: { input_tokens: 1, output_tokens: 2 },
    })
  })

  it('round-trips a response', () => {
    const ir = parseAnthropicResponse(message)
    expect(parseAnthropicResponse(renderAnthropicResponse(ir))).toEqual(ir)
  })
})

function parseFixture(name: string): ChatEvent[] {
  const dec = createSseDecoder()
  const p = createAnthropicStreamParser()
  const out: ChatEvent[] = []
  for (const ev of [...dec.push(fixture(name)), ...dec.end()]) out.push(...p.push(ev))
  out.push(...p.end())
  return out
}

describe('Anthropic stream parser', () => {
  it('turns the recorded stream into IR events', () => {
    const events = parseFixture('anthropic-stream-tool-use.sse')
    expect(events[0]).toEqual({
      type: 'start',
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      model: 'claude-sonnet-4-5-20250929',
      usage: { inputTokens: 412 },
    })
    expect(
      events
        .filter((e) => e.type === 'text_delta')
        .map((e) => e.text)
        .join(''),
    ).toBe("I'll check the current weather in San Francisco for you.")
    expect(events).toContainEqual({
      type: 'tool_call_start',
      index: 1,
      id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
      name: 'get_weather',
    })
    const args = events.flatMap((e) => (e.type === 'tool_call_delta' ? [e.argumentsDelta] : [])).join('')
    expect(JSON.parse(args)).toEqual({ location: 'San Francisco, CA', unit: 'fahrenheit' })
    expect(events.at(-1)).toEqual({
      type: 'finish',
      stopReason: 'tool_calls',
      usage: { inputTokens: 412, outputTokens: 89 },
    })
  })

  it('accepts push(event, data) and skips thinking blocks while keeping IR indexes dense', () => {
    const p = createAnthropicStreamParser()
    const frames: Array<[string, object]> = [
      [
        'message_start',
        { type: 'message_start', message: { id: 'm1', model: 'c', usage: { input_tokens: 5 } } },
      ],
      [
        'content_block_start',
        { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
      ],
      [
        'content_block_delta',
        { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } },
      ],
      [
        'content_block_delta',
        { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'x' } },
      ],
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
      [
        'content_block_start',
        { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      ],
      [
        'content_block_delta',
        { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Hello' } },
      ],
      ['content_block_stop', { type: 'content_block_stop', index: 1 }],
      [
        'message_delta',
        { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 7 } },
      ],
      ['message_stop', { type: 'message_stop' }],
    ]
    const events = frames.flatMap(([e, d]) => p.push(e, JSON.stringify(d)))
    expect(events).toEqual([
      { type: 'start', id: 'm1', model: 'c', usage: { inputTokens: 5 } },
      { type: 'text_delta', index: 0, text: 'Hello' },
      { type: 'block_stop', index: 0 },
      { type: 'finish', stopReason: 'end', usage: { inputTokens: 5, outputTokens: 7 } },
    ])
    expect(p.end()).toEqual([])
  })

  it('maps error events and reports a stream cut before message_stop', () => {
    const p = createAnthropicStreamParser()
    expect(
      p.push('error', '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'),
    ).toEqual([{ type: 'error', message: 'Overloaded', errorType: 'overloaded_error' }])
    const cut = createAnthropicStreamParser()
    cut.push('message_start', '{"type":"message_start","message":{"id":"a","model":"b"}}')
    expect(cut.end()).toEqual([{ type: 'error', message: 'upstream stream ended before message_stop' }])
  })
})

describe('Anthropic stream writer', () => {
  it('re-emits the recorded stream event for event', () => {
    const w = createAnthropicStreamWriter()
    const text =
      parseFixture('anthropic-stream-tool-use.sse')
        .map((e) => w.write(e))
        .join('') + w.end()
    const dec = createSseDecoder()
    const written = [...dec.push(text), ...dec.end()]
    const dec2 = createSseDecoder()
    const original = [...dec2.push(fixture('anthropic-stream-tool-use.sse')), ...dec2.end()].filter(
      (e) =>
        e.event !== 'ping' &&
        // the writer does not forward the empty first input_json_delta
        !e.data.includes('"partial_json":""'),
    )
    expect(written.map((e) => e.event)).toEqual(original.map((e) => e.event))
    for (const e of written) expect(JSON.parse(e.data).type).toBe(e.event)
  })

  it('closes an open block before starting the next one and writes error frames', () => {
    const w = createAnthropicStreamWriter({ id: 'fallback', model: 'fm' })
    const text =
      w.write({ type: 'text_delta', index: 0, text: 'a' }) +
      w.write({ type: 'tool_call_start', index: 1, id: 't', name: 'f' })
    const dec = createSseDecoder()
    const evs = [...dec.push(text), ...dec.end()]
    expect(evs.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
    ])
    expect(JSON.parse(evs[0]?.data ?? '').message).toMatchObject({ id: 'fallback', model: 'fm' })
    expect(w.write({ type: 'error', message: 'auth revoked' })).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"auth revoked"}}\n\n',
    )
  })
})
