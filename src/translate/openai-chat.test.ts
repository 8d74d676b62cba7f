import { describe, expect, it } from 'vitest'
import request from './__fixtures__/openai-request-tools.json' with { type: 'json' }
import { type ChatEvent, type ChatResponse, TranslationError } from './ir.ts'
import {
  createOpenAIStreamParser,
  createOpenAIStreamWriter,
  parseOpenAIChatRequest,
  parseOpenAIChatResponse,
  renderOpenAIChatRequest,
  renderOpenAIChatResponse,
} from './openai-chat.ts'

function pathOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    if (e instanceof TranslationError) return e.path
    throw e
  }
  throw new Error('expected a TranslationError')
}

describe('parseOpenAIChatRequest', () => {
  const ir = parseOpenAIChatRequest(request)

  it('keeps the model as given and maps sampling fields', () => {
    expect(ir).toMatchObject({
      model: 'anthropic/claude-sonnet-4-5',
      maxTokens: 1024,
      temperature: 0.2,
      topP: 0.9,
      stop: ['\n\nHuman:'],
      stream: true,
      user: 'user-1234',
      toolChoice: 'auto',
    })
  })

  it('joins system and developer messages with a blank line', () => {
    expect(ir.system).toBe(
      'You are a concise weather assistant.\n\nAlways use metric units unless asked otherwise.',
    )
  })

  it('maps data: URLs to image data and http URLs to image urls', () => {
    expect(ir.messages[0]?.content).toEqual([
      { type: 'text', text: "What's the weather in Paris and Tokyo? Here is a photo from Paris:" },
      {
        type: 'image',
        mediaType: 'image/png',
        data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      },
      {
        type: 'image',
        mediaType: 'image/webp',
        url: 'https://upload.example.org/tokyo-skyline.webp?size=large',
      },
    ])
  })

  it('maps assistant tool_calls and merges consecutive tool messages into one user turn', () => {
    expect(ir.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me check both cities.' },
        {
          type: 'tool_call',
          id: 'call_kY2bH3sX0aYq7JcE1rTnWm4P',
          name: 'get_weather',
          arguments: '{"location": "Paris, France"}',
        },
        {
          type: 'tool_call',
          id: 'call_Rz9fQ1mW8nLp2VtX6sDcHb0J',
          name: 'get_weather',
          arguments: '{"location": "Tokyo, Japan", "unit": "celsius"}',
        },
      ],
    })
    expect(ir.messages[2]).toEqual({
      role: 'user',
      content: [
        {
          type: 'tool_result',
          toolCallId: 'call_kY2bH3sX0aYq7JcE1rTnWm4P',
          content: '{"temp_c": 18, "sky": "overcast"}',
        },
        {
          type: 'tool_result',
          toolCallId: 'call_Rz9fQ1mW8nLp2VtX6sDcHb0J',
          content: '{"temp_c": 24, "sky": "clear"}',
        },
      ],
    })
    expect(ir.messages[3]).toEqual({
      role: 'user',
      content: [{ type: 'text', text: 'Thanks! Which one is warmer?' }],
    })
    expect(ir.messages).toHaveLength(4)
  })

  it('maps tools and object tool_choice', () => {
    expect(ir.tools?.[0]?.name).toBe('get_weather')
    expect(ir.tools?.[0]?.parameters).toMatchObject({ required: ['location'] })
    const forced = parseOpenAIChatRequest({
      model: 'm',
      messages: [],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    })
    expect(forced.toolChoice).toEqual({ name: 'get_weather' })
  })

  it('prefers max_completion_tokens but accepts max_tokens and nulls', () => {
    expect(parseOpenAIChatRequest({ model: 'm', messages: [], max_tokens: 50 }).maxTokens).toBe(50)
    const r = parseOpenAIChatRequest({
      model: 'm',
      messages: [],
      temperature: null,
      stop: null,
      stream: null,
    })
    expect(r).toEqual({ model: 'm', messages: [], stream: false })
  })

  it('drops provider-redirecting fields', () => {
    const text = JSON.stringify(ir)
    for (const s of [
      'api_base',
      'base_url',
      'extra_headers',
      'attacker',
      'api_key',
      'sk-live',
      'custom_llm_provider',
    ]) {
      expect(text).not.toContain(s)
    }
  })

  it.each([
    [{ messages: [] }, '$.model'],
    [{ model: 'm' }, '$.messages'],
    [[], '$'],
    [{ model: 7, messages: [] }, '$.model'],
    [{ model: 'm', messages: {} }, '$.messages'],
    [{ model: 'm', messages: ['hi'] }, '$.messages[0]'],
    [{ model: 'm', messages: [{ role: 'wizard', content: 'x' }] }, '$.messages[0].role'],
    [{ model: 'm', messages: [{ role: 'user', content: 5 }] }, '$.messages[0].content'],
    [
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'input_audio' }] }] },
      '$.messages[0].content[0].type',
    ],
    [
      {
        model: 'm',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x' } }] }],
      },
      '$.messages[0].content[0].image_url.url',
    ],
    [
      {
        model: 'm',
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png,raw' } }] },
        ],
      },
      '$.messages[0].content[0].image_url.url',
    ],
    [
      { model: 'm', messages: [{ role: 'assistant', tool_calls: [{ id: 'a', function: { name: 3 } }] }] },
      '$.messages[0].tool_calls[0].function.name',
    ],
    [{ model: 'm', messages: [{ role: 'tool', content: 'x' }] }, '$.messages[0].tool_call_id'],
    [
      { model: 'm', messages: [], tools: [{ type: 'function', function: { name: 'f', parameters: [] } }] },
      '$.tools[0].function.parameters',
    ],
    [{ model: 'm', messages: [], tools: [{ type: 'web_search' }] }, '$.tools[0].type'],
    [{ model: 'm', messages: [], tool_choice: 'sometimes' }, '$.tool_choice'],
    [{ model: 'm', messages: [], temperature: 'hot' }, '$.temperature'],
    [{ model: 'm', messages: [], max_tokens: 1.5 }, '$.max_tokens'],
    [{ model: 'm', messages: [], stop: [1] }, '$.stop[0]'],
    [{ model: 'm', messages: [], stream: 'yes' }, '$.stream'],
    [{ model: 'm', messages: [], n: 2 }, '$.n'],
  ])('rejects malformed input %j at %s', (body, path) => {
    expect(pathOf(() => parseOpenAIChatRequest(body))).toBe(path)
  })

  it('puts the path in the error message', () => {
    expect(() => parseOpenAIChatRequest({ model: 'm', messages: [{ role: 'user', content: 5 }] })).toThrow(
      /^\$\.messages\[0\]\.content: expected a string or an array of content parts, got number$/,
    )
  })
})

describe('renderOpenAIChatRequest', () => {
  it('renders tool results as tool messages before the rest of the user turn', () => {
    const body = renderOpenAIChatRequest({
      model: 'gpt-4o',
      system: 'sys',
      stream: true,
      maxTokens: 99,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'hi' }] },
        { role: 'assistant', content: [{ type: 'tool_call', id: 'c1', name: 'f', arguments: '{}' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'and this image' },
            { type: 'tool_result', toolCallId: 'c1', content: 'ok' },
            { type: 'image', mediaType: 'image/png', data: 'AAAA' },
          ],
        },
      ],
    })
    expect(body).toEqual({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'ok' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'and this image' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          ],
        },
      ],
      max_completion_tokens: 99,
      stream: true,
      stream_options: { include_usage: true },
    })
  })

  it('round-trips the fixture request through the IR', () => {
    const ir = parseOpenAIChatRequest(request)
    expect(parseOpenAIChatRequest(renderOpenAIChatRequest(ir))).toEqual(ir)
  })

  it('can use max_tokens for older compatible servers and omits stream_options when not streaming', () => {
    const body = renderOpenAIChatRequest(
      { model: 'm', messages: [], stream: false, maxTokens: 5 },
      { maxTokensField: 'max_tokens' },
    )
    expect(body).toEqual({ model: 'm', messages: [], max_tokens: 5, stream: false })
  })
})

const completion = {
  id: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
  object: 'chat.completion',
  created: 1741570283,
  model: 'gpt-4o-2024-08-06',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_abc',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"location":"Boston, MA"}' },
          },
        ],
        refusal: null,
        annotations: [],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    },
  ],
  usage: {
    prompt_tokens: 82,
    completion_tokens: 17,
    total_tokens: 99,
    prompt_tokens_details: { cached_tokens: 0 },
  },
  service_tier: 'default',
  system_fingerprint: 'fp_fc9f1d7035',
}

describe('OpenAI responses', () => {
  it('parses a tool-call completion', () => {
    expect(parseOpenAIChatResponse(completion)).toEqual({
      id: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
      model: 'gpt-4o-2024-08-06',
      content: [
        { type: 'tool_call', id: 'call_abc', name: 'get_weather', arguments: '{"location":"Boston, MA"}' },
      ],
      stopReason: 'tool_calls',
      usage: { inputTokens: 82, outputTokens: 17 },
    })
  })

  it.each([
    ['end', 'stop'],
    ['max_tokens', 'length'],
    ['tool_calls', 'tool_calls'],
    ['stop_sequence', 'stop'],
    ['content_filter', 'content_filter'],
  ] as const)('renders stop reason %s as finish_reason %s', (stopReason, finish) => {
    const res: ChatResponse = {
      id: 'r',
      model: 'm',
      content: [{ type: 'text', text: 'hi' }],
      stopReason,
      usage: { inputTokens: 3, outputTokens: 4 },
    }
    const body = renderOpenAIChatResponse(res, { created: 1700000000 })
    expect(body).toEqual({
      id: 'r',
      object: 'chat.completion',
      created: 1700000000,
      model: 'm',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'hi', refusal: null },
          logprobs: null,
          finish_reason: finish,
        },
      ],
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
    })
  })

  it('round-trips a response', () => {
    const ir = parseOpenAIChatResponse(completion)
    expect(parseOpenAIChatResponse(renderOpenAIChatResponse(ir, { created: 1 }))).toEqual(ir)
  })

  it('rejects a response without choices with a path', () => {
    expect(pathOf(() => parseOpenAIChatResponse({ choices: [] }))).toBe('$.choices')
    expect(pathOf(() => parseOpenAIChatResponse({ choices: [{ message: { tool_calls: [{}] } }] }))).toBe(
      '$.choices[0].message.tool_calls[0].function',
    )
  })
})

describe('OpenAI stream parser', () => {
  const chunk = (delta: object, finish: string | null = null) =>
    JSON.stringify({ id: 'x', model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })

  it('emits start, text, finish from a minimal stream and ignores Azure filter chunks', () => {
    const p = createOpenAIStreamParser()
    const events: ChatEvent[] = [
      ...p.push(JSON.stringify({ id: '', model: '', choices: [], prompt_filter_results: [] })),
      ...p.push(chunk({ role: 'assistant', content: '' })),
      ...p.push({ data: chunk({ content: 'Hi' }) }),
      ...p.push(chunk({}, 'length')),
      ...p.push('[DONE]'),
      ...p.end(),
    ]
    expect(events).toEqual([
      { type: 'start', id: 'x', model: 'm' },
      { type: 'text_delta', index: 0, text: 'Hi' },
      { type: 'block_stop', index: 0 },
      { type: 'finish', stopReason: 'max_tokens', usage: {} },
    ])
  })

  it('finishes at end() without [DONE] once a finish_reason was seen, and errors otherwise', () => {
    const ok = createOpenAIStreamParser()
    ok.push(chunk({ content: 'a' }, 'stop'))
    expect(ok.end()).toEqual([{ type: 'finish', stopReason: 'end', usage: {} }])
    const cut = createOpenAIStreamParser()
    cut.push(chunk({ content: 'a' }))
    expect(cut.end()).toEqual([
      { type: 'error', message: 'upstream stream ended before the response was complete' },
    ])
  })

  it('reports an in-stream error object', () => {
    const p = createOpenAIStreamParser()
    expect(p.push(JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } }))).toEqual([
      { type: 'error', message: 'overloaded', errorType: 'server_error' },
    ])
  })

  it('names the frame of an invalid JSON payload', () => {
    const p = createOpenAIStreamParser()
    p.push(chunk({ content: 'a' }))
    expect(pathOf(() => p.push('{nope'))).toBe('stream[1]')
  })
})

describe('OpenAI stream writer', () => {
  it('writes role, content, tool call, finish, usage and [DONE] frames', () => {
    const w = createOpenAIStreamWriter({ created: 1700000000 })
    const text =
      w.write({ type: 'start', id: 'msg_1', model: 'claude', usage: { inputTokens: 10 } }) +
      w.write({ type: 'text_delta', index: 0, text: 'Hi' }) +
      w.write({ type: 'block_stop', index: 0 }) +
      w.write({ type: 'tool_call_start', index: 1, id: 't1', name: 'f' }) +
      w.write({ type: 'tool_call_delta', index: 1, argumentsDelta: '{}' }) +
      w.write({ type: 'finish', stopReason: 'tool_calls', usage: { outputTokens: 5 } }) +
      w.end()
    const frames = text.split('\n\n').filter(Boolean)
    expect(frames.at(-1)).toBe('data: [DONE]')
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.replace(/^data: /, '')))
    expect(chunks.map((c) => c.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Hi' },
      { tool_calls: [{ index: 0, id: 't1', type: 'function', function: { name: 'f', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{}' } }] },
      {},
      undefined,
    ])
    expect(chunks[4].choices[0].finish_reason).toBe('tool_calls')
    expect(chunks[5]).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    })
    expect(
      chunks.every(
        (c) => c.id === 'msg_1' && c.object === 'chat.completion.chunk' && c.created === 1700000000,
      ),
    ).toBe(true)
  })

  it('writes an error frame', () => {
    const w = createOpenAIStreamWriter({ created: 1 })
    expect(w.write({ type: 'error', message: 'boom', errorType: 'overloaded_error' })).toBe(
      'data: {"error":{"message":"boom","type":"overloaded_error","param":null,"code":null}}\n\n',
    )
  })
})
