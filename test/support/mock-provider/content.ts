/**
 * Reading request content the way each API shapes it (last user text, rough token counts) and
 * cutting response content into stream-sized pieces.
 */
import type { MockApi } from './types.ts'

const MAX_ECHO = 40

// biome-ignore lint/suspicious/noExplicitAny: provider request bodies are read loosely
type Body = Record<string, any> | undefined

function partsText(content: unknown, textKey = 'text'): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content
    .map((part) => {
      if (typeof part === 'string') return part
      const text = part && typeof part === 'object' ? (part as Record<string, unknown>)[textKey] : undefined
      return typeof text === 'string' ? text : ''
    })
    .join('')
}

/** Text of the last user turn: Anthropic/OpenAI `messages`, Gemini `contents`. */
export function lastUserText(api: MockApi, body: Body): string {
  if (api === 'gemini') {
    const contents: unknown[] = Array.isArray(body?.contents) ? body.contents : []
    for (let i = contents.length - 1; i >= 0; i--) {
      const c = contents[i] as { role?: string; parts?: unknown } | undefined
      if (c && (c.role === undefined || c.role === 'user')) return partsText(c.parts)
    }
    return ''
  }
  const messages: unknown[] = Array.isArray(body?.messages) ? body.messages : []
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: string; content?: unknown } | undefined
    if (m?.role === 'user') return partsText(m.content)
  }
  return ''
}

export function truncate(text: string, max = MAX_ECHO): string {
  const chars = Array.from(text)
  return chars.length <= max ? text : `${chars.slice(0, max).join('')}...`
}

/** 'Hello from mock <api> for <last user text, truncated>'. */
export function defaultText(api: MockApi, body: Body): string {
  return `Hello from mock ${api} for ${truncate(lastUserText(api, body))}`
}

/** Deterministic stand-in for a tokenizer: about four characters a token, at least one. */
export function countTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4))
}

/** Prompt tokens: everything the model would read. */
export function promptTokens(api: MockApi, body: Body): number {
  const read = api === 'gemini' ? [body?.contents, body?.systemInstruction] : [body?.messages, body?.system]
  return countTokens(read.map((v) => (v === undefined ? '' : JSON.stringify(v))).join(''))
}

/** Splits text into up to `parts` non-empty pieces (by code point), so streams carry several deltas. */
export function splitText(text: string, parts = 4): string[] {
  const chars = Array.from(text)
  if (chars.length === 0) return []
  const n = Math.min(parts, chars.length)
  const size = Math.ceil(chars.length / n)
  const pieces: string[] = []
  for (let i = 0; i < chars.length; i += size) pieces.push(chars.slice(i, i + size).join(''))
  return pieces
}

let counter = 0
/** Unique-enough ids for messages and tool calls: `<prefix><counter><random>`. */
export function mockId(prefix: string): string {
  counter += 1
  return `${prefix}${counter.toString(36)}${Math.random().toString(36).slice(2, 10)}`
}
