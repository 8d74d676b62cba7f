/**
 * OpenAI <-> Anthropic request translation (src/translate): for generated conversations with a
 * system prompt, text turns, tool calls (names, JSON arguments) and tool results, a round trip
 * through the other format preserves the text content in order, the system prompt, every tool
 * call's id, name and arguments, every tool result, the tool definitions and sampling options.
 * What a format change may legitimately alter is normalised away first (the same allowances as
 * src/translate/round-trip.test.ts): turn boundaries, argument whitespace, how text is split into
 * parts, and Anthropic's is_error flag, which OpenAI cannot carry. Malformed bodies only ever
 * raise TranslationError.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { INBOUND, UPSTREAM } from '../../src/translate/index.ts'
import type { ChatMessage, ChatPart, ChatRequest } from '../../src/translate/ir.ts'
import { TranslationError } from '../../src/translate/ir.ts'
import { nastyString, runs } from './support.ts'

/** Non-empty text (Anthropic has no empty text block), including the awkward characters. */
const text = fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), nastyString(30)).filter((t) => t.length > 0)
const toolName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,20}$/)
/** JSON round-tripped, so values JSON cannot carry (-0 anywhere) are already in their wire form. */
const args = fc
  .dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })
  .map((a) => JSON.parse(JSON.stringify(a)) as Record<string, unknown>)

interface Turn {
  user: string
  reply?: string
  calls: Array<{ name: string; args: Record<string, unknown>; result: string }>
}

const turn: fc.Arbitrary<Turn> = fc.record({
  user: text,
  reply: fc.option(text, { nil: undefined }),
  calls: fc.array(fc.record({ name: toolName, args, result: text }), { maxLength: 3 }),
})

const conversation = fc.record({
  system: fc.option(text, { nil: undefined }),
  turns: fc.array(turn, { minLength: 1, maxLength: 4 }),
  last: text,
  temperature: fc.option(fc.double({ min: 0, max: 2, noNaN: true }), { nil: undefined }),
  maxTokens: fc.option(fc.integer({ min: 1, max: 8192 }), { nil: undefined }),
})

type Conversation = typeof conversation extends fc.Arbitrary<infer T> ? T : never

function toolsOf(c: Conversation): string[] {
  return [...new Set(c.turns.flatMap((t) => t.calls.map((x) => x.name)))]
}

function openaiBody(c: Conversation): Record<string, unknown> {
  const messages: unknown[] = []
  if (c.system !== undefined) messages.push({ role: 'system', content: c.system })
  let id = 0
  for (const t of c.turns) {
    messages.push({ role: 'user', content: t.user })
    const calls = t.calls.map((x) => ({ ...x, id: `call_${++id}` }))
    if (t.reply === undefined && calls.length === 0) continue
    messages.push({
      role: 'assistant',
      content: t.reply ?? null,
      ...(calls.length
        ? {
            tool_calls: calls.map((x) => ({
              id: x.id,
              type: 'function',
              function: { name: x.name, arguments: JSON.stringify(x.args) },
            })),
          }
        : {}),
    })
    for (const x of calls) messages.push({ role: 'tool', tool_call_id: x.id, content: x.result })
  }
  messages.push({ role: 'user', content: c.last })
  const tools = toolsOf(c).map((name) => ({
    type: 'function',
    function: { name, description: `tool ${name}`, parameters: { type: 'object', properties: {} } },
  }))
  return {
    model: 'm',
    messages,
    ...(tools.length ? { tools } : {}),
    ...(c.temperature !== undefined ? { temperature: c.temperature } : {}),
    ...(c.maxTokens !== undefined ? { max_tokens: c.maxTokens } : {}),
  }
}

function anthropicBody(c: Conversation, errors: boolean[]): Record<string, unknown> {
  const messages: Array<{ role: string; content: unknown[] }> = []
  let id = 0
  let pending: unknown[] = []
  for (const t of c.turns) {
    messages.push({ role: 'user', content: [...pending, { type: 'text', text: t.user }] })
    pending = []
    const calls = t.calls.map((x) => ({ ...x, id: `toolu_${++id}` }))
    if (t.reply === undefined && calls.length === 0) continue
    messages.push({
      role: 'assistant',
      content: [
        ...(t.reply !== undefined ? [{ type: 'text', text: t.reply }] : []),
        ...calls.map((x) => ({ type: 'tool_use', id: x.id, name: x.name, input: x.args })),
      ],
    })
    // Results open the next user turn, as the Anthropic API requires.
    pending = calls.map((x, i) => ({
      type: 'tool_result',
      tool_use_id: x.id,
      content: x.result,
      ...(errors[i % errors.length] ? { is_error: true } : {}),
    }))
  }
  messages.push({ role: 'user', content: [...pending, { type: 'text', text: c.last }] })
  const tools = toolsOf(c).map((name) => ({
    name,
    description: `tool ${name}`,
    input_schema: { type: 'object', properties: {} },
  }))
  return {
    model: 'm',
    max_tokens: c.maxTokens ?? 4096,
    ...(c.system !== undefined ? { system: c.system } : {}),
    messages,
    ...(tools.length ? { tools } : {}),
    ...(c.temperature !== undefined ? { temperature: c.temperature } : {}),
  }
}

/** What a format change may alter, normalised away; what it must keep, kept. */
function normalize(req: ChatRequest): ChatRequest {
  const messages: ChatMessage[] = []
  for (const m of req.messages) {
    const content: ChatPart[] = []
    for (const p of m.content) {
      const q: ChatPart =
        p.type === 'tool_call'
          ? { ...p, arguments: JSON.stringify(JSON.parse(p.arguments || '{}')) }
          : p.type === 'tool_result'
            ? { type: 'tool_result', toolCallId: p.toolCallId, content: p.content }
            : p
      const prev = content.at(-1)
      if (q.type === 'text' && prev?.type === 'text') prev.text += q.text
      else content.push(q.type === 'text' ? { ...q } : q)
    }
    const last = messages.at(-1)
    if (last?.role === m.role) {
      for (const q of content) {
        const prev = last.content.at(-1)
        if (q.type === 'text' && prev?.type === 'text') prev.text += q.text
        else last.content.push(q)
      }
    } else messages.push({ role: m.role, content })
  }
  const { maxTokens: _dropped, ...rest } = req
  return { ...rest, messages }
}

function flat(req: ChatRequest) {
  const parts = req.messages.flatMap((m) => m.content.map((p) => ({ role: m.role, ...p })))
  return {
    system: req.system,
    text: parts
      .filter((p) => p.type === 'text')
      .map((p) => (p as { text: string }).text)
      .join(''),
    calls: parts
      .filter((p) => p.type === 'tool_call')
      .map((p) => {
        const c = p as Extract<ChatPart, { type: 'tool_call' }>
        return { id: c.id, name: c.name, args: JSON.parse(c.arguments || '{}') as unknown }
      }),
    results: parts
      .filter((p) => p.type === 'tool_result')
      .map((p) => {
        const r = p as Extract<ChatPart, { type: 'tool_result' }>
        return { id: r.toolCallId, content: r.content }
      }),
    tools: req.tools,
  }
}

describe('request translation round trips', () => {
  it('OpenAI -> IR -> Anthropic -> IR keeps text, system, tool calls, results, tools and sampling', () => {
    fc.assert(
      fc.property(conversation, (c) => {
        const ir = INBOUND.openai.parseRequest(openaiBody(c))
        const back = INBOUND.anthropic.parseRequest(UPSTREAM['anthropic-messages'].renderRequest(ir))
        expect(normalize(back)).toEqual(normalize(ir))
        expect(flat(back)).toEqual(flat(ir))
        expect(flat(ir).calls.map((x) => x.args)).toEqual(c.turns.flatMap((t) => t.calls.map((x) => x.args)))
        expect(back.system).toBe(c.system)
        expect(back.temperature).toBe(c.temperature)
        expect(back.maxTokens).toBe(c.maxTokens ?? 4096)
      }),
      runs(300),
    )
  })

  it('Anthropic -> IR -> OpenAI -> IR keeps everything but is_error', () => {
    fc.assert(
      fc.property(conversation, fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }), (c, errors) => {
        const ir = INBOUND.anthropic.parseRequest(anthropicBody(c, errors))
        const back = INBOUND.openai.parseRequest(UPSTREAM['openai-completions'].renderRequest(ir))
        expect(normalize(back)).toEqual(normalize(ir))
        expect(flat(back)).toEqual(flat(ir))
        expect(flat(ir).results.map((r) => r.content)).toEqual(
          c.turns.flatMap((t) => t.calls.map((x) => x.result)),
        )
        expect(back.maxTokens).toBe(c.maxTokens ?? 4096)
      }),
      runs(300),
    )
  })

  it('Anthropic -> IR -> Anthropic is lossless', () => {
    fc.assert(
      fc.property(conversation, fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }), (c, errors) => {
        const ir = INBOUND.anthropic.parseRequest(anthropicBody(c, errors))
        expect(INBOUND.anthropic.parseRequest(UPSTREAM['anthropic-messages'].renderRequest(ir))).toEqual(ir)
      }),
      runs(200),
    )
  })

  it('malformed bodies raise TranslationError naming a JSON path, never anything else', () => {
    const mutate = fc.tuple(conversation, fc.nat(), fc.jsonValue({ maxDepth: 1 }), fc.boolean())
    let refused = 0
    fc.assert(
      fc.property(mutate, ([c, pick, junk, anthropic]) => {
        const body = anthropic ? anthropicBody(c, [false]) : openaiBody(c)
        // Replace one value somewhere in the body with junk.
        const holders: Array<[Record<string, unknown> | unknown[], string | number]> = []
        const walk = (v: unknown): void => {
          if (Array.isArray(v)) {
            v.forEach((x, i) => {
              holders.push([v, i])
              walk(x)
            })
          } else if (v && typeof v === 'object') {
            for (const [k, x] of Object.entries(v)) {
              holders.push([v as Record<string, unknown>, k])
              walk(x)
            }
          }
        }
        walk(body)
        const [holder, key] = holders[pick % holders.length] as [
          Record<string | number, unknown>,
          string | number,
        ]
        holder[key] = junk
        try {
          INBOUND[anthropic ? 'anthropic' : 'openai'].parseRequest(body)
        } catch (err) {
          expect(err).toBeInstanceOf(TranslationError)
          expect((err as TranslationError).path).toMatch(/^\$/)
          refused++
        }
      }),
      runs(400),
    )
    // The mutations must actually exercise the refusal paths.
    expect(refused).toBeGreaterThan(20)
  })
})
