/**
 * Gemini GenerateContentResponse -> IR, whole and streamed. With `alt=sse` every event is a
 * complete GenerateContentResponse holding only the new text; function calls arrive whole.
 */

import type { ChatEvent, ChatPart, ChatResponse, StopReason, Usage } from './ir.ts'
import {
  expectArray,
  expectRecord,
  fail,
  isRecord,
  type Json,
  optNumber,
  optString,
  parseJson,
} from './json-path.ts'
import type { SseEvent } from './sse.ts'

export function stopReasonFromGemini(reason: unknown, hasToolCalls: boolean): StopReason {
  switch (reason) {
    case 'MAX_TOKENS':
      return 'max_tokens'
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
      return 'content_filter'
    case 'MALFORMED_FUNCTION_CALL':
    case 'UNEXPECTED_TOOL_CALL':
      return 'error'
    default:
      // Gemini ends a function-calling turn with STOP; clients need to know tools are due.
      return hasToolCalls ? 'tool_calls' : 'end'
  }
}

/** Thinking tokens are billed as output, so they count as output here. */
export function usageFromGemini(u: unknown, path: string): Partial<Usage> {
  if (!isRecord(u)) return {}
  const out: Partial<Usage> = {}
  const prompt = optNumber(u.promptTokenCount, `${path}.promptTokenCount`)
  const candidates = optNumber(u.candidatesTokenCount, `${path}.candidatesTokenCount`)
  const thoughts = optNumber(u.thoughtsTokenCount, `${path}.thoughtsTokenCount`)
  if (prompt !== undefined) out.inputTokens = prompt
  if (candidates !== undefined || thoughts !== undefined)
    out.outputTokens = (candidates ?? 0) + (thoughts ?? 0)
  return out
}

interface Candidate {
  parts: Json[]
  finishReason: unknown
}

function firstCandidate(body: Json, path: string): Candidate | undefined {
  const list =
    body.candidates === undefined || body.candidates === null
      ? []
      : expectArray(body.candidates, `${path}.candidates`)
  if (list.length === 0) return undefined
  const c = expectRecord(list[0], `${path}.candidates[0]`)
  // A candidate stopped for safety may have no content at all.
  const content = isRecord(c.content) ? c.content : {}
  const parts =
    content.parts === undefined ? [] : expectArray(content.parts, `${path}.candidates[0].content.parts`)
  return {
    parts: parts.map((p, i) => expectRecord(p, `${path}.candidates[0].content.parts[${i}]`)),
    finishReason: c.finishReason,
  }
}

function blocked(body: Json): boolean {
  return isRecord(body.promptFeedback) && typeof body.promptFeedback.blockReason === 'string'
}

function callArguments(fc: Json): string {
  return JSON.stringify(isRecord(fc.args) ? fc.args : {})
}

export function parseGeminiResponse(body: unknown, opts: { id: string; model: string }): ChatResponse {
  const b = expectRecord(body, '$')
  const cand = firstCandidate(b, '$')
  const usage = usageFromGemini(b.usageMetadata, '$.usageMetadata')
  const totals = { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 }
  if (!cand) {
    if (blocked(b))
      return { id: opts.id, model: opts.model, content: [], stopReason: 'content_filter', usage: totals }
    fail('$.candidates', 'is empty')
  }
  const content: ChatPart[] = []
  let calls = 0
  cand.parts.forEach((part, i) => {
    const at = `$.candidates[0].content.parts[${i}]`
    if (isRecord(part.functionCall)) {
      const fc = part.functionCall
      content.push({
        type: 'tool_call',
        id: `call_${calls++}`,
        name: optString(fc.name, `${at}.functionCall.name`) ?? '',
        arguments: callArguments(fc),
      })
      return
    }
    const text = optString(part.text, `${at}.text`)
    if (text === undefined || part.thought === true) return // thought summaries are not answer text
    const last = content.at(-1)
    if (last?.type === 'text') last.text += text
    else content.push({ type: 'text', text })
  })
  return {
    id: opts.id,
    model: opts.model,
    content,
    stopReason: stopReasonFromGemini(cand.finishReason, calls > 0),
    usage: totals,
  }
}

export interface GeminiStreamParser {
  push(data: string | SseEvent): ChatEvent[]
  end(): ChatEvent[]
}

export function createGeminiStreamParser(opts: { id: string; model: string }): GeminiStreamParser {
  let started = false
  let done = false
  let chunkNo = 0
  let nextIndex = 0
  let textIndex: number | undefined
  let calls = 0
  let finishReason: unknown
  let isBlocked = false
  const usage: Partial<Usage> = {}

  const closeText = (out: ChatEvent[]): void => {
    if (textIndex !== undefined) out.push({ type: 'block_stop', index: textIndex })
    textIndex = undefined
  }

  return {
    push(input) {
      const data = (typeof input === 'string' ? input : input.data).trim()
      if (done || data === '') return []
      const path = `stream[${chunkNo++}]`
      const chunk = expectRecord(parseJson(data, path), path)
      if (isRecord(chunk.error)) {
        done = true
        const status = optString(chunk.error.status, `${path}.error.status`)
        return [
          {
            type: 'error',
            message: optString(chunk.error.message, `${path}.error.message`) ?? 'upstream error',
            ...(status ? { errorType: status } : {}),
          },
        ]
      }
      const out: ChatEvent[] = []
      if (!started) {
        started = true
        out.push({ type: 'start', id: opts.id, model: opts.model })
      }
      Object.assign(usage, usageFromGemini(chunk.usageMetadata, `${path}.usageMetadata`))
      if (blocked(chunk)) isBlocked = true
      const cand = firstCandidate(chunk, path)
      for (const part of cand?.parts ?? []) {
        if (isRecord(part.functionCall)) {
          closeText(out)
          const index = nextIndex++
          const fc = part.functionCall
          out.push(
            {
              type: 'tool_call_start',
              index,
              id: `call_${calls++}`,
              name: typeof fc.name === 'string' ? fc.name : '',
            },
            { type: 'tool_call_delta', index, argumentsDelta: callArguments(fc) },
            { type: 'block_stop', index },
          )
        } else if (typeof part.text === 'string' && part.text !== '' && part.thought !== true) {
          if (textIndex === undefined) textIndex = nextIndex++
          out.push({ type: 'text_delta', index: textIndex, text: part.text })
        }
      }
      // The finish waits for end(): usage may still arrive in a later chunk.
      if (cand?.finishReason !== undefined && cand.finishReason !== null) finishReason = cand.finishReason
      return out
    },
    end() {
      if (done) return []
      done = true
      if (finishReason === undefined && !isBlocked) {
        return [{ type: 'error', message: 'upstream stream ended before the response was complete' }]
      }
      const out: ChatEvent[] = []
      if (!started) out.push({ type: 'start', id: opts.id, model: opts.model })
      closeText(out)
      const stopReason =
        isBlocked && finishReason === undefined
          ? 'content_filter'
          : stopReasonFromGemini(finishReason, calls > 0)
      out.push({ type: 'finish', stopReason, usage: { ...usage } })
      return out
    },
  }
}
