/**
 * Anthropic Messages streaming <-> IR events.
 *
 * Anthropic numbers content blocks itself, including blocks the IR does not carry (thinking,
 * server tools). The parser renumbers the blocks it keeps so IR indexes stay dense, and the
 * writer renumbers again because an Anthropic client requires 0,1,2... in start order with
 * exactly one block open at a time.
 */

import { stopReasonFromAnthropic, stopReasonToAnthropic, usageFromAnthropic } from './anthropic-response.ts'
import type { ChatEvent, StopReason, Usage } from './ir.ts'
import { expectRecord, isRecord, type Json, optNumber, optString, parseJson } from './json-path.ts'
import type { SseEvent } from './sse.ts'

export interface AnthropicStreamParser {
  /** `push(eventName, data)` or `push({ event, data })`; the payload's own `type` wins. */
  push(event: string | SseEvent, data?: string): ChatEvent[]
  end(): ChatEvent[]
}

type Kept = { ir: number; kind: 'text' | 'tool' } | { kind: 'skip' }

export function createAnthropicStreamParser(): AnthropicStreamParser {
  let done = false
  let frameNo = 0
  let nextIndex = 0
  let stopReason: StopReason = 'end'
  const blocks = new Map<number, Kept>()
  const usage: Partial<Usage> = {}

  const handle = (payload: Json, path: string): ChatEvent[] => {
    const index = optNumber(payload.index, `${path}.index`) ?? -1
    switch (payload.type) {
      case 'message_start': {
        const msg = expectRecord(payload.message, `${path}.message`)
        const u = usageFromAnthropic(msg.usage, `${path}.message.usage`)
        // output_tokens here is a placeholder; the real count arrives in message_delta.
        if (u.inputTokens !== undefined) usage.inputTokens = u.inputTokens
        const start: ChatEvent = {
          type: 'start',
          id: optString(msg.id, `${path}.message.id`) ?? '',
          model: optString(msg.model, `${path}.message.model`) ?? '',
        }
        if (u.inputTokens !== undefined) start.usage = { inputTokens: u.inputTokens }
        return [start]
      }
      case 'content_block_start': {
        const block = expectRecord(payload.content_block, `${path}.content_block`)
        if (block.type === 'text') {
          const ir = nextIndex++
          blocks.set(index, { ir, kind: 'text' })
          const text = optString(block.text, `${path}.content_block.text`)
          return text ? [{ type: 'text_delta', index: ir, text }] : []
        }
        if (block.type === 'tool_use') {
          const ir = nextIndex++
          blocks.set(index, { ir, kind: 'tool' })
          const out: ChatEvent[] = [
            {
              type: 'tool_call_start',
              index: ir,
              id: optString(block.id, `${path}.content_block.id`) ?? '',
              name: optString(block.name, `${path}.content_block.name`) ?? '',
            },
          ]
          // The start normally carries `input: {}` and the arguments follow as deltas.
          if (isRecord(block.input) && Object.keys(block.input).length > 0) {
            out.push({ type: 'tool_call_delta', index: ir, argumentsDelta: JSON.stringify(block.input) })
          }
          return out
        }
        blocks.set(index, { kind: 'skip' })
        return []
      }
      case 'content_block_delta': {
        const kept = blocks.get(index)
        if (!kept || kept.kind === 'skip') return []
        const delta = expectRecord(payload.delta, `${path}.delta`)
        if (delta.type === 'text_delta' && kept.kind === 'text') {
          const text = optString(delta.text, `${path}.delta.text`)
          return text ? [{ type: 'text_delta', index: kept.ir, text }] : []
        }
        if (delta.type === 'input_json_delta' && kept.kind === 'tool') {
          const json = optString(delta.partial_json, `${path}.delta.partial_json`)
          return json ? [{ type: 'tool_call_delta', index: kept.ir, argumentsDelta: json }] : []
        }
        return [] // citations, thinking and signature deltas have no IR form
      }
      case 'content_block_stop': {
        const kept = blocks.get(index)
        return kept && kept.kind !== 'skip' ? [{ type: 'block_stop', index: kept.ir }] : []
      }
      case 'message_delta': {
        if (isRecord(payload.delta) && payload.delta.stop_reason != null) {
          stopReason = stopReasonFromAnthropic(payload.delta.stop_reason)
        }
        const u = usageFromAnthropic(payload.usage, `${path}.usage`)
        Object.assign(usage, u)
        return []
      }
      case 'message_stop':
        done = true
        return [{ type: 'finish', stopReason, usage: { ...usage } }]
      case 'error': {
        done = true
        const err = isRecord(payload.error) ? payload.error : {}
        const errorType = optString(err.type, `${path}.error.type`)
        return [
          {
            type: 'error',
            message: optString(err.message, `${path}.error.message`) ?? 'upstream error',
            ...(errorType ? { errorType } : {}),
          },
        ]
      }
      default:
        return [] // ping, and event types Anthropic may add later
    }
  }

  return {
    push(event, data) {
      const ev: SseEvent =
        typeof event === 'string' ? (data === undefined ? { data: event } : { event, data }) : event
      if (done || ev.data.trim() === '') return []
      const path = `stream[${frameNo++}]`
      const payload = expectRecord(parseJson(ev.data, path), path)
      if (payload.type === undefined && ev.event !== undefined) payload.type = ev.event
      return handle(payload, path)
    },
    end() {
      if (done) return []
      done = true
      return [{ type: 'error', message: 'upstream stream ended before message_stop' }]
    },
  }
}

export interface AnthropicStreamWriter {
  write(ev: ChatEvent): string
  end(): string
}

export function createAnthropicStreamWriter(
  opts: { id?: string; model?: string } = {},
): AnthropicStreamWriter {
  let started = false
  let finished = false
  let nextOut = 0
  let open: number | undefined // IR index of the one block currently open
  const outIndex = new Map<number, number>()
  const usage: Partial<Usage> = {}

  const frame = (type: string, body: Json): string =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`

  const messageStart = (id: string, model: string): string => {
    started = true
    return frame('message_start', {
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: usage.inputTokens ?? 0, output_tokens: usage.outputTokens ?? 0 },
      },
    })
  }
  const ensureStarted = (): string => (started ? '' : messageStart(opts.id ?? '', opts.model ?? ''))

  const closeOpen = (): string => {
    if (open === undefined) return ''
    const out = outIndex.get(open)
    open = undefined
    return out === undefined ? '' : frame('content_block_stop', { index: out })
  }

  const openBlock = (ir: number, contentBlock: Json): string => {
    let s = ensureStarted() + closeOpen()
    const out = nextOut++
    outIndex.set(ir, out)
    open = ir
    s += frame('content_block_start', { index: out, content_block: contentBlock })
    return s
  }

  return {
    write(ev) {
      if (finished) return ''
      switch (ev.type) {
        case 'start':
          if (started) return ''
          Object.assign(usage, ev.usage)
          return messageStart(ev.id || opts.id || '', ev.model || opts.model || '')
        case 'text_delta': {
          // A text block that was closed (or never opened) starts a fresh Anthropic block.
          const s = open === ev.index ? '' : openBlock(ev.index, { type: 'text', text: '' })
          const out = outIndex.get(ev.index)
          return (
            s + frame('content_block_delta', { index: out, delta: { type: 'text_delta', text: ev.text } })
          )
        }
        case 'tool_call_start':
          return openBlock(ev.index, { type: 'tool_use', id: ev.id, name: ev.name, input: {} })
        case 'tool_call_delta': {
          const out = outIndex.get(ev.index)
          if (out === undefined) return ''
          const delta = { type: 'input_json_delta', partial_json: ev.argumentsDelta }
          return frame('content_block_delta', { index: out, delta })
        }
        case 'block_stop':
          return open === ev.index ? closeOpen() : ''
        case 'finish': {
          finished = true
          Object.assign(usage, ev.usage)
          const u: Json = { output_tokens: usage.outputTokens ?? 0 }
          if (usage.inputTokens !== undefined) u.input_tokens = usage.inputTokens
          return (
            ensureStarted() +
            closeOpen() +
            frame('message_delta', {
              delta: { stop_reason: stopReasonToAnthropic(ev.stopReason), stop_sequence: null },
              usage: u,
            }) +
            frame('message_stop', {})
          )
        }
        case 'error':
          finished = true
          return frame('error', { error: { type: ev.errorType ?? 'api_error', message: ev.message } })
      }
    },
    end() {
      return ''
    },
  }
}
