import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import request from './__fixtures__/openai-request-tools.json' with { type: 'json' }
import {
  createGeminiStreamParser,
  GEMINI_SKIP_SIGNATURE,
  parseGeminiResponse,
  renderGeminiRequest,
} from './google-generative.ts'
import { type ChatEvent, type ChatRequest, TranslationError } from './ir.ts'
import { parseOpenAIChatRequest } from './openai-chat.ts'
import { createSseDecoder } from './sse.ts'

const fixture = (name: string): string =>
  readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')
const ids = { id: 'resp-1', model: 'gemini-2.5-flash' }

describe('renderGeminiRequest', () => {
  const ir = { ...parseOpenAIChatRequest(request), model: 'gemini-2.5-flash' }
  const body = renderGeminiRequest(ir)

  it('renders system, generation config, tools and tool config', () => {
    expect(body.systemInstruction).toEqual({
      parts: [
        { text: 'You are a concise weather assistant.\n\nAlways use metric units unless asked otherwise.' },
      ],
    })
    expect(body.generationConfig).toEqual({
      maxOutputTokens: 1024,
      temperature: 0.2,
      topP: 0.9,
      stopSequences: ['\n\nHuman:'],
    })
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            description: 'Get the current weather for a location.',
            parametersJsonSchema: ir.tools?.[0]?.parameters,
          },
        ],
      },
    ])
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: 'AUTO' } })
    expect(body).not.toHaveProperty('model')
    expect(body).not.toHaveProperty('stream')
  })

  it('renders contents with user/model roles, images, calls and named function responses', () => {
    expect(body.contents).toEqual([
      {
        role: 'user',
        parts: [
          { text: "What's the weather in Paris and Tokyo? Here is a photo from Paris:" },
          {
            inlineData: {
              mimeType: 'image/png',
              data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
            },
          },
          {
            fileData: {
              mimeType: 'image/webp',
              fileUri: 'https://upload.example.org/tokyo-skyline.webp?size=large',
            },
          },
        ],
      },
      {
        role: 'model',
        parts: [
          { text: 'Let me check both cities.' },
          { functionCall: { name: 'get_weather', args: { location: 'Paris, France' } } },
          { functionCall: { name: 'get_weather', args: { location: 'Tokyo, Japan', unit: 'celsius' } } },
        ],
      },
      {
        // the tool results and the following user text merge into one user turn
        role: 'user',
        parts: [
          {
            functionResponse: {
              name: 'get_weather',
              response: { output: '{"temp_c": 18, "sky": "overcast"}' },
            },
          },
          {
            functionResponse: { name: 'get_weather', response: { output: '{"temp_c": 24, "sky": "clear"}' } },
          },
          { text: 'Thanks! Which one is warmer?' },
        ],
      },
    ])
  })

  it('marks replayed calls with the documented signature sentinel for Gemini 3 and later', () => {
    const g3 = renderGeminiRequest({ ...ir, model: 'gemini-3-pro-preview' })
    const model = (g3.contents as Array<{ role: string; parts: Array<Record<string, unknown>> }>)[1]
    expect(model?.parts.map((p) => p.thoughtSignature)).toEqual([undefined, GEMINI_SKIP_SIGNATURE, undefined])
  })

  it('maps tool choices and error results', () => {
    const base: ChatRequest = {
      model: 'gemini-2.0-flash',
      stream: false,
      messages: [
        { role: 'assistant', content: [{ type: 'tool_call', id: 'a', name: 'lookup', arguments: '' }] },
        {
          role: 'user',
          content: [{ type: 'tool_result', toolCallId: 'a', content: 'not found', isError: true }],
        },
      ],
    }
    expect(renderGeminiRequest({ ...base, toolChoice: 'required' }).toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY' },
    })
    expect(renderGeminiRequest({ ...base, toolChoice: 'none' }).toolConfig).toEqual({
      functionCallingConfig: { mode: 'NONE' },
    })
    expect(renderGeminiRequest({ ...base, toolChoice: { name: 'lookup' } }).toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['lookup'] },
    })
    const out = renderGeminiRequest(base)
    expect(out.contents).toEqual([
      { role: 'model', parts: [{ functionCall: { name: 'lookup', args: {} } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'lookup', response: { error: 'not found' } } }] },
    ])
    expect(out).not.toHaveProperty('generationConfig')
  })

  it('refuses a tool result whose call id was never seen', () => {
    try {
      renderGeminiRequest({
        model: 'gemini-2.5-pro',
        stream: false,
        messages: [{ role: 'user', content: [{ type: 'tool_result', toolCallId: 'ghost', content: 'x' }] }],
      })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(TranslationError)
      expect((e as TranslationError).path).toBe('messages[0].content[0].toolCallId')
    }
  })
})

describe('parseGeminiResponse', () => {
  it('parses text, function calls with generated ids, finish reason and usage', () => {
    const res = parseGeminiResponse(
      {
        candidates: [
          {
            content: {
              role: 'model',
              parts: [
                { text: 'thinking summary', thought: true },
                { text: 'Checking ' },
                { text: 'both.' },
                {
                  functionCall: { name: 'get_weather', args: { location: 'Paris' } },
                  thoughtSignature: 'abc',
                },
                { functionCall: { name: 'get_weather', args: { location: 'Tokyo' } } },
              ],
            },
            finishReason: 'STOP',
            index: 0,
          },
        ],
        usageMetadata: {
          promptTokenCount: 40,
          candidatesTokenCount: 12,
          thoughtsTokenCount: 8,
          totalTokenCount: 60,
        },
        modelVersion: 'gemini-2.5-flash',
        responseId: 'xyz',
      },
      ids,
    )
    expect(res).toEqual({
      id: 'resp-1',
      model: 'gemini-2.5-flash',
      content: [
        { type: 'text', text: 'Checking both.' },
        { type: 'tool_call', id: 'call_0', name: 'get_weather', arguments: '{"location":"Paris"}' },
        { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"location":"Tokyo"}' },
      ],
      stopReason: 'tool_calls',
      usage: { inputTokens: 40, outputTokens: 20 },
    })
  })

  it.each([
    ['STOP', 'end'],
    ['MAX_TOKENS', 'max_tokens'],
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', 'error'],
  ])('maps finishReason %s to %s', (finishReason, stopReason) => {
    const res = parseGeminiResponse({ candidates: [{ finishReason }] }, ids)
    expect(res.stopReason).toBe(stopReason)
    expect(res.content).toEqual([])
  })

  it('treats a blocked prompt as a content filter stop, and an empty response as an error', () => {
    const blocked = parseGeminiResponse(
      { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 9 } },
      ids,
    )
    expect(blocked).toMatchObject({
      content: [],
      stopReason: 'content_filter',
      usage: { inputTokens: 9, outputTokens: 0 },
    })
    expect(() => parseGeminiResponse({}, ids)).toThrow(TranslationError)
    expect(() => parseGeminiResponse({ candidates: [{ content: { parts: 'x' } }] }, ids)).toThrow(
      '$.candidates[0].content.parts: expected an array, got string',
    )
  })
})

describe('createGeminiStreamParser', () => {
  it('turns the recorded SSE stream into IR events', () => {
    const dec = createSseDecoder()
    const p = createGeminiStreamParser(ids)
    const events: ChatEvent[] = []
    for (const ev of [...dec.push(fixture('gemini-stream-function-call.sse')), ...dec.end()])
      events.push(...p.push(ev))
    events.push(...p.end())
    expect(events).toEqual([
      { type: 'start', id: 'resp-1', model: 'gemini-2.5-flash' },
      { type: 'text_delta', index: 0, text: 'Checking the weather' },
      { type: 'text_delta', index: 0, text: ' in Paris now.' },
      { type: 'block_stop', index: 0 },
      { type: 'tool_call_start', index: 1, id: 'call_0', name: 'get_weather' },
      { type: 'tool_call_delta', index: 1, argumentsDelta: '{"location":"Paris, France","unit":"celsius"}' },
      { type: 'block_stop', index: 1 },
      { type: 'finish', stopReason: 'tool_calls', usage: { inputTokens: 57, outputTokens: 75 } },
    ])
  })

  it('reports upstream errors and truncated streams', () => {
    const p = createGeminiStreamParser(ids)
    expect(
      p.push('{"error":{"code":429,"message":"Resource exhausted","status":"RESOURCE_EXHAUSTED"}}'),
    ).toEqual([{ type: 'error', message: 'Resource exhausted', errorType: 'RESOURCE_EXHAUSTED' }])
    const cut = createGeminiStreamParser(ids)
    cut.push('{"candidates":[{"content":{"parts":[{"text":"par"}]}}]}')
    expect(cut.end().at(-1)).toEqual({
      type: 'error',
      message: 'upstream stream ended before the response was complete',
    })
  })
})
