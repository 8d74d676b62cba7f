/** Anthropic Messages response <-> IR, and the stop_reason / usage mapping shared with streaming. */

import type { ChatPart, ChatResponse, StopReason, Usage } from './ir.ts'
import {
  argumentsToObject,
  expectArray,
  expectRecord,
  isRecord,
  type Json,
  optNumber,
  optString,
  requireString,
} from './json-path.ts'

export function stopReasonFromAnthropic(reason: unknown): StopReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'max_tokens'
    case 'stop_sequence':
      return 'stop_sequence'
    case 'tool_use':
      return 'tool_calls'
    case 'refusal':
      return 'content_filter'
    default:
      // end_turn, pause_turn (server tools only) and null all mean the turn simply ended.
      return 'end'
  }
}

export function stopReasonToAnthropic(reason: StopReason): string {
  switch (reason) {
    case 'max_tokens':
      return 'max_tokens'
    case 'stop_sequence':
      return 'stop_sequence'
    case 'tool_calls':
      return 'tool_use'
    case 'content_filter':
      return 'refusal'
    default:
      return 'end_turn'
  }
}

/**
 * Anthropic reports cached prompt tokens separately from `input_tokens`; the IR's inputTokens is
 * the whole prompt (as OpenAI's prompt_tokens is), so the three are summed.
 */
export function usageFromAnthropic(u: unknown, path: string): Partial<Usage> {
  if (!isRecord(u)) return {}
  const out: Partial<Usage> = {}
  const input = optNumber(u.input_tokens, `${path}.input_tokens`)
  const created = optNumber(u.cache_creation_input_tokens, `${path}.cache_creation_input_tokens`) ?? 0
  const read = optNumber(u.cache_read_input_tokens, `${path}.cache_read_input_tokens`) ?? 0
  if (input !== undefined) out.inputTokens = input + created + read
  const output = optNumber(u.output_tokens, `${path}.output_tokens`)
  if (output !== undefined) out.outputTokens = output
  return out
}

export function parseAnthropicResponse(body: unknown): ChatResponse {
  const b = expectRecord(body, '$')
  const content: ChatPart[] = []
  expectArray(b.content, '$.content').forEach((c, i) => {
    const at = `$.content[${i}]`
    const block = expectRecord(c, at)
    if (block.type === 'text') content.push({ type: 'text', text: requireString(block, 'text', at) })
    else if (block.type === 'tool_use') {
      content.push({
        type: 'tool_call',
        id: requireString(block, 'id', at),
        name: requireString(block, 'name', at),
        arguments: JSON.stringify(block.input ?? {}),
      })
    }
    // thinking / redacted_thinking and server-tool blocks have no IR form and are not shown.
  })
  const usage = usageFromAnthropic(b.usage, '$.usage')
  return {
    id: optString(b.id, '$.id') ?? '',
    model: optString(b.model, '$.model') ?? '',
    content,
    stopReason: stopReasonFromAnthropic(b.stop_reason),
    usage: { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 },
  }
}

export function renderAnthropicResponse(res: ChatResponse): Json {
  const content: Json[] = []
  res.content.forEach((p, i) => {
    if (p.type === 'text') content.push({ type: 'text', text: p.text })
    else if (p.type === 'tool_call') {
      content.push({
        type: 'tool_use',
        id: p.id,
        name: p.name,
        input: argumentsToObject(p.arguments, `content[${i}].arguments`),
      })
    }
  })
  return {
    id: res.id,
    type: 'message',
    role: 'assistant',
    model: res.model,
    content,
    stop_reason: stopReasonToAnthropic(res.stopReason),
    stop_sequence: null,
    usage: { input_tokens: res.usage.inputTokens, output_tokens: res.usage.outputTokens },
  }
}

/** The body an Anthropic client expects on a failed request (also the `error` stream event's data). */
export function renderAnthropicError(message: string, type = 'api_error'): Json {
  return { type: 'error', error: { type, message } }
}
