/** OpenAI Chat Completions response <-> IR, and the finish_reason mapping shared with streaming. */

import type { ChatPart, ChatResponse, StopReason, Usage } from './ir.ts'
import {
  expectArray,
  expectRecord,
  fail,
  isRecord,
  type Json,
  optNumber,
  optString,
  requireString,
} from './json-path.ts'

export function stopReasonFromOpenAI(reason: unknown, hasToolCalls: boolean): StopReason {
  switch (reason) {
    case 'length':
      return 'max_tokens'
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls'
    case 'content_filter':
      return 'content_filter'
    default:
      // Several OpenAI-compatible servers report "stop" even when the turn ends in tool calls.
      return hasToolCalls ? 'tool_calls' : 'end'
  }
}

export function stopReasonToOpenAI(reason: StopReason): string {
  switch (reason) {
    case 'max_tokens':
      return 'length'
    case 'tool_calls':
      return 'tool_calls'
    case 'content_filter':
      return 'content_filter'
    default:
      // OpenAI has no stop_sequence or error finish reasons; "stop" is what it reports for both.
      return 'stop'
  }
}

export function usageFromOpenAI(u: unknown, path: string): Partial<Usage> {
  if (!isRecord(u)) return {}
  const out: Partial<Usage> = {}
  const input = optNumber(u.prompt_tokens, `${path}.prompt_tokens`)
  const output = optNumber(u.completion_tokens, `${path}.completion_tokens`)
  if (input !== undefined) out.inputTokens = input
  if (output !== undefined) out.outputTokens = output
  return out
}

export function usageToOpenAI(u: Partial<Usage>): Json {
  const prompt = u.inputTokens ?? 0
  const completion = u.outputTokens ?? 0
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }
}

export function parseOpenAIChatResponse(body: unknown): ChatResponse {
  const b = expectRecord(body, '$')
  const choices = expectArray(b.choices, '$.choices')
  if (choices.length === 0) fail('$.choices', 'is empty')
  const choice = expectRecord(choices[0], '$.choices[0]')
  const msg = expectRecord(choice.message, '$.choices[0].message')
  const content: ChatPart[] = []
  const text = optString(msg.content, '$.choices[0].message.content')
  if (text) content.push({ type: 'text', text })
  const refusal = optString(msg.refusal, '$.choices[0].message.refusal')
  if (refusal) content.push({ type: 'text', text: refusal })
  if (msg.tool_calls !== undefined && msg.tool_calls !== null) {
    expectArray(msg.tool_calls, '$.choices[0].message.tool_calls').forEach((c, i) => {
      const at = `$.choices[0].message.tool_calls[${i}]`
      const call = expectRecord(c, at)
      const fn = expectRecord(call.function, `${at}.function`)
      content.push({
        type: 'tool_call',
        id: requireString(call, 'id', at),
        name: requireString(fn, 'name', `${at}.function`),
        arguments: optString(fn.arguments, `${at}.function.arguments`) ?? '',
      })
    })
  }
  const usage = usageFromOpenAI(b.usage, '$.usage')
  return {
    id: optString(b.id, '$.id') ?? '',
    model: optString(b.model, '$.model') ?? '',
    content,
    stopReason: refusal
      ? 'content_filter'
      : stopReasonFromOpenAI(
          choice.finish_reason,
          content.some((p) => p.type === 'tool_call'),
        ),
    usage: { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 },
  }
}

export function renderOpenAIChatResponse(res: ChatResponse, opts: { created: number }): Json {
  let text = ''
  const toolCalls: Json[] = []
  for (const p of res.content) {
    if (p.type === 'text') text += p.text
    else if (p.type === 'tool_call') {
      toolCalls.push({ id: p.id, type: 'function', function: { name: p.name, arguments: p.arguments } })
    }
  }
  const message: Json = {
    role: 'assistant',
    content: text === '' && toolCalls.length > 0 ? null : text,
    refusal: null,
  }
  if (toolCalls.length > 0) message.tool_calls = toolCalls
  return {
    id: res.id,
    object: 'chat.completion',
    created: opts.created,
    model: res.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: stopReasonToOpenAI(res.stopReason) }],
    usage: usageToOpenAI(res.usage),
  }
}

/** The body an OpenAI client expects on a failed request. */
export function renderOpenAIError(message: string, type = 'api_error', code: string | null = null): Json {
  return { error: { message, type, param: null, code } }
}
