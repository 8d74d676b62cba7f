/**
 * OpenAI Chat Completions request <-> IR.
 *
 * Security: the parser copies an allow-list of fields into the IR, so provider-redirecting
 * fields some SDKs and proxies accept in the body (`api_base`, `base_url`, `extra_headers`,
 * `api_key`, `custom_llm_provider`, ...) are dropped here and can never influence routing,
 * credentials or the upstream request. Do not add a pass-through of "unknown" fields.
 */

import type { ChatMessage, ChatPart, ChatRequest, ChatTool, ToolChoice } from './ir.ts'
import {
  compact,
  expectArray,
  expectRecord,
  fail,
  type Json,
  optBoolean,
  optInteger,
  optNumber,
  optString,
  optStringList,
  partList,
  requireString,
} from './json-path.ts'
import { mediaTypeOfUrl } from './media-type.ts'

const DATA_URL = /^data:([^;,]+)(?:;[^;,=]+=[^;,]*)*;base64,(.*)$/s

export function parseImageUrl(url: string, path: string): ChatPart {
  if (url.startsWith('data:')) {
    const m = DATA_URL.exec(url)
    if (!m) fail(path, 'data: URLs must be base64 encoded (data:<media type>;base64,<data>)')
    return { type: 'image', mediaType: m[1] ?? '', data: m[2] ?? '' }
  }
  if (!/^https?:\/\//i.test(url)) fail(path, 'image URL must be an http(s) or data: URL')
  return { type: 'image', mediaType: mediaTypeOfUrl(url), url }
}

/** `content` of system/developer/tool messages: a string or text parts only. */
function textOnly(content: unknown, path: string): string {
  if (typeof content === 'string') return content
  return partList(content, path)
    .map((p, i) => {
      const part = expectRecord(p, `${path}[${i}]`)
      if (part.type !== 'text') fail(`${path}[${i}].type`, `only text parts are allowed here`)
      return requireString(part, 'text', `${path}[${i}]`)
    })
    .join('')
}

function userContent(content: unknown, path: string): ChatPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }]
  return partList(content, path).map((p, i): ChatPart => {
    const at = `${path}[${i}]`
    const part = expectRecord(p, at)
    if (part.type === 'text') return { type: 'text', text: requireString(part, 'text', at) }
    if (part.type === 'image_url') {
      const img = part.image_url
      if (typeof img === 'string') return parseImageUrl(img, `${at}.image_url`)
      return parseImageUrl(
        requireString(expectRecord(img, `${at}.image_url`), 'url', `${at}.image_url`),
        `${at}.image_url.url`,
      )
    }
    return fail(`${at}.type`, `unsupported content part type ${JSON.stringify(part.type)}`)
  })
}

function assistantMessage(msg: Json, path: string): ChatMessage {
  const content: ChatPart[] = []
  if (typeof msg.content === 'string') {
    if (msg.content !== '') content.push({ type: 'text', text: msg.content })
  } else if (msg.content !== undefined && msg.content !== null) {
    expectArray(msg.content, `${path}.content`).forEach((p, i) => {
      const at = `${path}.content[${i}]`
      const part = expectRecord(p, at)
      if (part.type === 'text') content.push({ type: 'text', text: requireString(part, 'text', at) })
      else if (part.type === 'refusal')
        content.push({ type: 'text', text: requireString(part, 'refusal', at) })
      else fail(`${at}.type`, `unsupported assistant content part type ${JSON.stringify(part.type)}`)
    })
  }
  if (msg.tool_calls !== undefined && msg.tool_calls !== null) {
    expectArray(msg.tool_calls, `${path}.tool_calls`).forEach((c, i) => {
      const at = `${path}.tool_calls[${i}]`
      const call = expectRecord(c, at)
      if (call.type !== undefined && call.type !== 'function')
        fail(`${at}.type`, 'only function tool calls are supported')
      const fn = expectRecord(call.function, `${at}.function`)
      const args = fn.arguments
      content.push({
        type: 'tool_call',
        id: requireString(call, 'id', at),
        name: requireString(fn, 'name', `${at}.function`),
        // Some clients replay arguments as an object; the IR keeps OpenAI's string form.
        arguments:
          typeof args === 'string' ? args : args === undefined || args === null ? '' : JSON.stringify(args),
      })
    })
  }
  return { role: 'assistant', content }
}

function parseTools(v: unknown, path: string): ChatTool[] {
  return expectArray(v, path).map((t, i) => {
    const at = `${path}[${i}]`
    const tool = expectRecord(t, at)
    if (tool.type !== 'function') fail(`${at}.type`, 'only function tools are supported')
    const fn = expectRecord(tool.function, `${at}.function`)
    const description = optString(fn.description, `${at}.function.description`)
    const parameters =
      fn.parameters === undefined || fn.parameters === null
        ? { type: 'object', properties: {} }
        : expectRecord(fn.parameters, `${at}.function.parameters`)
    return {
      name: requireString(fn, 'name', `${at}.function`),
      ...(description ? { description } : {}),
      parameters,
    }
  })
}

function parseToolChoice(v: unknown, path: string): ToolChoice | undefined {
  if (v === undefined || v === null) return undefined
  if (v === 'auto' || v === 'none' || v === 'required') return v
  if (typeof v === 'string') return fail(path, `unknown tool_choice ${JSON.stringify(v)}`)
  const choice = expectRecord(v, path)
  if (choice.type !== 'function') fail(`${path}.type`, 'only {"type":"function"} tool_choice is supported')
  return {
    name: requireString(expectRecord(choice.function, `${path}.function`), 'name', `${path}.function`),
  }
}

export function parseOpenAIChatRequest(body: unknown): ChatRequest {
  const b = expectRecord(body, '$')
  const model = requireString(b, 'model', '$')
  if (b.messages === undefined) fail('$.messages', 'is required')
  const n = optNumber(b.n, '$.n')
  if (n !== undefined && n !== 1) fail('$.n', 'only n=1 is supported')

  const system: string[] = []
  const messages: ChatMessage[] = []
  expectArray(b.messages, '$.messages').forEach((m, i) => {
    const at = `$.messages[${i}]`
    const msg = expectRecord(m, at)
    const role = requireString(msg, 'role', at)
    switch (role) {
      case 'system':
      case 'developer':
        system.push(textOnly(msg.content, `${at}.content`))
        return
      case 'user':
        messages.push({ role: 'user', content: userContent(msg.content, `${at}.content`) })
        return
      case 'assistant':
        messages.push(assistantMessage(msg, at))
        return
      case 'tool': {
        const part: ChatPart = {
          type: 'tool_result',
          toolCallId: requireString(msg, 'tool_call_id', at),
          content: textOnly(msg.content ?? '', `${at}.content`),
        }
        // Parallel tool calls answer as consecutive tool messages; Anthropic and Gemini want
        // all results of one assistant turn in a single user turn.
        const prev = messages.at(-1)
        if (
          prev?.role === 'user' &&
          prev.content.length > 0 &&
          prev.content.every((p) => p.type === 'tool_result')
        ) {
          prev.content.push(part)
        } else {
          messages.push({ role: 'user', content: [part] })
        }
        return
      }
      default:
        fail(`${at}.role`, `unsupported role ${JSON.stringify(role)}`)
    }
  })

  const tools = b.tools === undefined || b.tools === null ? undefined : parseTools(b.tools, '$.tools')
  const toolChoice = parseToolChoice(b.tool_choice, '$.tool_choice')
  const maxTokens =
    optInteger(b.max_completion_tokens, '$.max_completion_tokens') ?? optInteger(b.max_tokens, '$.max_tokens')
  const req: ChatRequest = {
    model,
    messages,
    stream: optBoolean(b.stream, '$.stream') ?? false,
  }
  if (system.length > 0) req.system = system.join('\n\n')
  if (tools && tools.length > 0) req.tools = tools
  if (toolChoice !== undefined) req.toolChoice = toolChoice
  if (maxTokens !== undefined) req.maxTokens = maxTokens
  const temperature = optNumber(b.temperature, '$.temperature')
  if (temperature !== undefined) req.temperature = temperature
  const topP = optNumber(b.top_p, '$.top_p')
  if (topP !== undefined) req.topP = topP
  const stop = optStringList(b.stop, '$.stop')
  if (stop && stop.length > 0) req.stop = stop
  const user = optString(b.user, '$.user')
  if (user !== undefined) req.user = user
  return req
}

export interface OpenAIRenderOptions {
  /**
   * OpenAI deprecated `max_tokens` and its reasoning models reject it; some older
   * OpenAI-compatible servers only know `max_tokens`. Default: `max_completion_tokens`.
   */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens'
}

function renderUserParts(parts: ChatPart[], path: string): Json[] {
  const out: Json[] = []
  const rest: Json[] = []
  parts.forEach((p, j) => {
    if (p.type === 'tool_result') {
      out.push({ role: 'tool', tool_call_id: p.toolCallId, content: p.content })
    } else if (p.type === 'text') {
      rest.push({ type: 'text', text: p.text })
    } else if (p.type === 'image') {
      const url = p.data !== undefined ? `data:${p.mediaType};base64,${p.data}` : p.url
      if (url === undefined) fail(`${path}.content[${j}]`, 'image has neither data nor url')
      rest.push({ type: 'image_url', image_url: { url } })
    } else {
      fail(`${path}.content[${j}]`, 'a user message cannot contain a tool call')
    }
  })
  if (rest.length > 0) {
    const onlyText = rest.every((r) => r.type === 'text')
    out.push({ role: 'user', content: onlyText ? rest.map((r) => r.text).join('') : rest })
  }
  return out
}

function renderAssistant(parts: ChatPart[], path: string): Json {
  let text = ''
  const toolCalls: Json[] = []
  parts.forEach((p, j) => {
    if (p.type === 'text') text += p.text
    else if (p.type === 'tool_call') {
      toolCalls.push({ id: p.id, type: 'function', function: { name: p.name, arguments: p.arguments } })
    } else fail(`${path}.content[${j}]`, `an assistant message cannot contain ${p.type}`)
  })
  const msg: Json = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text }
  if (toolCalls.length > 0) msg.tool_calls = toolCalls
  return msg
}

export function renderToolChoice(c: ToolChoice | undefined): unknown {
  if (c === undefined || typeof c === 'string') return c
  return { type: 'function', function: { name: c.name } }
}

export function renderOpenAIChatRequest(req: ChatRequest, opts: OpenAIRenderOptions = {}): Json {
  const messages: Json[] = []
  if (req.system !== undefined && req.system !== '') messages.push({ role: 'system', content: req.system })
  req.messages.forEach((m, i) => {
    const path = `messages[${i}]`
    if (m.role === 'user') messages.push(...renderUserParts(m.content, path))
    else messages.push(renderAssistant(m.content, path))
  })
  const tools = req.tools?.map((t) => ({
    type: 'function',
    function: compact({ name: t.name, description: t.description, parameters: t.parameters }),
  }))
  return compact({
    model: req.model,
    messages,
    tools: tools && tools.length > 0 ? tools : undefined,
    tool_choice: renderToolChoice(req.toolChoice),
    [opts.maxTokensField ?? 'max_completion_tokens']: req.maxTokens,
    temperature: req.temperature,
    top_p: req.topP,
    stop: req.stop && req.stop.length > 0 ? req.stop : undefined,
    stream: req.stream,
    // Without this OpenAI sends no usage at all on a stream, and usage is what we account by.
    stream_options: req.stream ? { include_usage: true } : undefined,
    user: req.user,
  })
}
