/**
 * OpenAI Chat Completions streaming <-> IR events.
 *
 * OpenAI chunks carry no block structure: text and tool calls arrive as `choices[0].delta`
 * fields, tool calls keyed by their own `index`. The parser assigns IR block indexes in order of
 * first appearance and closes the previous block when a new one starts, which is how every
 * OpenAI-compatible server streams in practice (text first, then tool calls one after another).
 */

import type { ChatEvent, StopReason, Usage } from './ir.ts'
import {
  expectArray,
  expectRecord,
  isRecord,
  type Json,
  optNumber,
  optString,
  parseJson,
} from './json-path.ts'
import {
  stopReasonFromOpenAI,
  stopReasonToOpenAI,
  usageFromOpenAI,
  usageToOpenAI,
} from './openai-response.ts'
import type { SseEvent } from './sse.ts'

export interface OpenAIStreamParser {
  /** Takes the `data:` payload of one upstream SSE event (or the decoded event itself). */
  push(data: string | SseEvent): ChatEvent[]
  end(): ChatEvent[]
}

export function createOpenAIStreamParser(): OpenAIStreamParser {
  let started = false
  let done = false
  let chunkNo = 0
  let nextIndex = 0
  let openIndex: number | undefined
  let textIndex: number | undefined
  const toolBlocks = new Map<number, number>()
  let finishReason: unknown
  let refused = false
  const usage: Partial<Usage> = {}

  const closeOpen = (out: ChatEvent[]): void => {
    if (openIndex !== undefined) out.push({ type: 'block_stop', index: openIndex })
    openIndex = undefined
    textIndex = undefined
  }

  const finish = (out: ChatEvent[]): ChatEvent[] => {
    closeOpen(out)
    const stopReason: StopReason = refused
      ? 'content_filter'
      : stopReasonFromOpenAI(finishReason, toolBlocks.size > 0)
    out.push({ type: 'finish', stopReason, usage: { ...usage } })
    done = true
    return out
  }

  const text = (t: string, out: ChatEvent[]): void => {
    if (textIndex === undefined) {
      closeOpen(out)
      textIndex = nextIndex++
      openIndex = textIndex
    }
    out.push({ type: 'text_delta', index: textIndex, text: t })
  }

  const toolDelta = (raw: unknown, position: number, path: string, out: ChatEvent[]): void => {
    const tc = expectRecord(raw, path)
    const key = optNumber(tc.index, `${path}.index`) ?? position
    const fn = isRecord(tc.function) ? tc.function : {}
    let block = toolBlocks.get(key)
    if (block === undefined) {
      closeOpen(out)
      block = nextIndex++
      toolBlocks.set(key, block)
      openIndex = block
      out.push({
        type: 'tool_call_start',
        index: block,
        id: optString(tc.id, `${path}.id`) ?? `call_${key}`,
        name: optString(fn.name, `${path}.function.name`) ?? '',
      })
    }
    const args = optString(fn.arguments, `${path}.function.arguments`)
    if (args) out.push({ type: 'tool_call_delta', index: block, argumentsDelta: args })
  }

  const push = (input: string | SseEvent): ChatEvent[] => {
    const data = (typeof input === 'string' ? input : input.data).trim()
    if (done || data === '') return []
    if (data === '[DONE]') return finish(startIfNeeded({}, []))
    const path = `stream[${chunkNo++}]`
    const chunk = expectRecord(parseJson(data, path), path)
    if (isRecord(chunk.error)) {
      done = true
      const errorType = optString(chunk.error.type, `${path}.error.type`)
      return [
        {
          type: 'error',
          message: optString(chunk.error.message, `${path}.error.message`) ?? 'upstream error',
          ...(errorType ? { errorType } : {}),
        },
      ]
    }
    const choices =
      chunk.choices === undefined || chunk.choices === null
        ? []
        : expectArray(chunk.choices, `${path}.choices`)
    // Azure opens with a choice-less content-filter chunk whose id and model are empty.
    if (choices.length === 0 && !isRecord(chunk.usage)) return []
    const out = startIfNeeded(chunk, [])
    Object.assign(usage, usageFromOpenAI(chunk.usage, `${path}.usage`))
    const choice = choices[0]
    if (isRecord(choice)) {
      const delta = isRecord(choice.delta) ? choice.delta : {}
      const content = optString(delta.content, `${path}.choices[0].delta.content`)
      if (content) text(content, out)
      const refusal = optString(delta.refusal, `${path}.choices[0].delta.refusal`)
      if (refusal) {
        refused = true
        text(refusal, out)
      }
      if (delta.tool_calls !== undefined && delta.tool_calls !== null) {
        expectArray(delta.tool_calls, `${path}.choices[0].delta.tool_calls`).forEach((tc, i) => {
          toolDelta(tc, i, `${path}.choices[0].delta.tool_calls[${i}]`, out)
        })
      }
      if (choice.finish_reason !== undefined && choice.finish_reason !== null) {
        finishReason = choice.finish_reason
        closeOpen(out)
      }
    }
    return out
  }

  function startIfNeeded(chunk: Json, out: ChatEvent[]): ChatEvent[] {
    if (!started) {
      started = true
      out.push({
        type: 'start',
        id: typeof chunk.id === 'string' ? chunk.id : '',
        model: typeof chunk.model === 'string' ? chunk.model : '',
      })
    }
    return out
  }

  return {
    push,
    end() {
      if (done) return []
      if (finishReason !== undefined) return finish([])
      done = true
      return [{ type: 'error', message: 'upstream stream ended before the response was complete' }]
    },
  }
}

export interface OpenAIStreamWriter {
  write(ev: ChatEvent): string
  end(): string
}

export interface OpenAIStreamWriterOptions {
  created: number
  /** Fallbacks used only if content arrives before a `start` event. */
  id?: string
  model?: string
  /** Send the final `choices: []` usage chunk (OpenAI's `stream_options.include_usage`). Default true. */
  includeUsage?: boolean
}

export function createOpenAIStreamWriter(opts: OpenAIStreamWriterOptions): OpenAIStreamWriter {
  let id = opts.id ?? ''
  let model = opts.model ?? ''
  let started = false
  let ended = false
  let nextToolIndex = 0
  const toolIndex = new Map<number, number>()
  const usage: Partial<Usage> = {}

  const frame = (obj: Json): string => `data: ${JSON.stringify(obj)}\n\n`
  const chunk = (delta: Json, finishReason: string | null = null): string =>
    frame({
      id,
      object: 'chat.completion.chunk',
      created: opts.created,
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    })
  // Every OpenAI stream opens with the role; clients key the message off it.
  const roleChunk = (): string => {
    if (started) return ''
    started = true
    return chunk({ role: 'assistant', content: '' })
  }

  return {
    write(ev) {
      if (ended) return ''
      switch (ev.type) {
        case 'start':
          if (started) return ''
          id = ev.id || id
          model = ev.model || model
          Object.assign(usage, ev.usage)
          return roleChunk()
        case 'text_delta':
          return roleChunk() + chunk({ content: ev.text })
        case 'tool_call_start': {
          const k = nextToolIndex++
          toolIndex.set(ev.index, k)
          return (
            roleChunk() +
            chunk({
              tool_calls: [
                { index: k, id: ev.id, type: 'function', function: { name: ev.name, arguments: '' } },
              ],
            })
          )
        }
        case 'tool_call_delta': {
          const k = toolIndex.get(ev.index)
          if (k === undefined) return ''
          return chunk({ tool_calls: [{ index: k, function: { arguments: ev.argumentsDelta } }] })
        }
        case 'block_stop':
          return ''
        case 'finish': {
          Object.assign(usage, ev.usage)
          let out = roleChunk() + chunk({}, stopReasonToOpenAI(ev.stopReason))
          const known = usage.inputTokens !== undefined || usage.outputTokens !== undefined
          if ((opts.includeUsage ?? true) && known) {
            out += frame({
              id,
              object: 'chat.completion.chunk',
              created: opts.created,
              model,
              choices: [],
              usage: usageToOpenAI(usage),
            })
          }
          return out
        }
        case 'error':
          return frame({
            error: { message: ev.message, type: ev.errorType ?? 'api_error', param: null, code: null },
          })
      }
    },
    end() {
      if (ended) return ''
      ended = true
      return 'data: [DONE]\n\n'
    },
  }
}
