/**
 * Anthropic Messages request <-> IR.
 *
 * Security: like the OpenAI parser, this copies an allow-list of fields into the IR; anything
 * else in the body (`api_base`, `base_url`, `extra_headers`, `anthropic_version`, ...) is
 * dropped and can never steer routing, credentials or the upstream request.
 */

import type { ChatMessage, ChatPart, ChatRequest, ChatTool, ToolChoice } from './ir.ts'
import {
  argumentsToObject,
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

/** Anthropic requires max_tokens; OpenAI and Gemini clients usually leave it out. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096

function textBlocks(v: unknown, path: string): string {
  if (typeof v === 'string') return v
  return partList(v, path)
    .map((b, i) => {
      const block = expectRecord(b, `${path}[${i}]`)
      if (block.type !== 'text') fail(`${path}[${i}].type`, 'only text blocks are allowed here')
      return requireString(block, 'text', `${path}[${i}]`)
    })
    .join('\n\n')
}

function imageBlock(block: Json, path: string): ChatPart {
  const src = expectRecord(block.source, `${path}.source`)
  if (src.type === 'base64') {
    return {
      type: 'image',
      mediaType: requireString(src, 'media_type', `${path}.source`),
      data: requireString(src, 'data', `${path}.source`),
    }
  }
  if (src.type === 'url') {
    const url = requireString(src, 'url', `${path}.source`)
    return {
      type: 'image',
      mediaType: optString(src.media_type, `${path}.source.media_type`) ?? mediaTypeOfUrl(url),
      url,
    }
  }
  return fail(`${path}.source.type`, `unsupported image source ${JSON.stringify(src.type)}`)
}

function toolResultContent(v: unknown, path: string): string {
  if (v === undefined || v === null) return ''
  if (typeof v === 'string') return v
  return partList(v, path)
    .map((b, i) => {
      const block = expectRecord(b, `${path}[${i}]`)
      // The IR carries tool output as text; an image result cannot be represented for other upstreams.
      if (block.type !== 'text') fail(`${path}[${i}].type`, 'only text is supported in tool results')
      return requireString(block, 'text', `${path}[${i}]`)
    })
    .join('\n')
}

function contentBlocks(content: unknown, role: 'user' | 'assistant', path: string): ChatPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }]
  const parts: ChatPart[] = []
  partList(content, path).forEach((b, i) => {
    const at = `${path}[${i}]`
    const block = expectRecord(b, at)
    switch (block.type) {
      case 'text':
        parts.push({ type: 'text', text: requireString(block, 'text', at) })
        return
      case 'image':
        if (role !== 'user') fail(`${at}.type`, 'images are only allowed in user messages')
        parts.push(imageBlock(block, at))
        return
      case 'tool_use':
        if (role !== 'assistant') fail(`${at}.type`, 'tool_use is only allowed in assistant messages')
        parts.push({
          type: 'tool_call',
          id: requireString(block, 'id', at),
          name: requireString(block, 'name', at),
          arguments: JSON.stringify(
            block.input === undefined ? {} : expectRecord(block.input, `${at}.input`),
          ),
        })
        return
      case 'tool_result': {
        if (role !== 'user') fail(`${at}.type`, 'tool_result is only allowed in user messages')
        const isError = optBoolean(block.is_error, `${at}.is_error`)
        parts.push({
          type: 'tool_result',
          toolCallId: requireString(block, 'tool_use_id', at),
          content: toolResultContent(block.content, `${at}.content`),
          ...(isError ? { isError } : {}),
        })
        return
      }
      case 'thinking':
      case 'redacted_thinking':
        // Replayed reasoning is signed for Anthropic only and carries no user-visible content;
        // other upstreams cannot consume it, so earlier turns' thinking is left out.
        return
      default:
        fail(`${at}.type`, `unsupported content block type ${JSON.stringify(block.type)}`)
    }
  })
  return parts
}

function parseTools(v: unknown, path: string): ChatTool[] {
  return expectArray(v, path).map((t, i) => {
    const at = `${path}[${i}]`
    const tool = expectRecord(t, at)
    // Server tools (web_search_*, bash_*, ...) run inside Anthropic and have no portable meaning.
    if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom') {
      fail(`${at}.type`, `unsupported tool type ${JSON.stringify(tool.type)}`)
    }
    const description = optString(tool.description, `${at}.description`)
    return {
      name: requireString(tool, 'name', at),
      ...(description ? { description } : {}),
      parameters: expectRecord(tool.input_schema, `${at}.input_schema`),
    }
  })
}

function parseToolChoice(v: unknown, path: string): ToolChoice | undefined {
  if (v === undefined || v === null) return undefined
  const c = expectRecord(v, path)
  switch (c.type) {
    case 'auto':
      return 'auto'
    case 'any':
      return 'required'
    case 'none':
      return 'none'
    case 'tool':
      return { name: requireString(c, 'name', path) }
    default:
      return fail(`${path}.type`, `unknown tool_choice type ${JSON.stringify(c.type)}`)
  }
}

export function parseAnthropicRequest(body: unknown): ChatRequest {
  const b = expectRecord(body, '$')
  const model = requireString(b, 'model', '$')
  if (b.messages === undefined) fail('$.messages', 'is required')
  const system: string[] = []
  if (b.system !== undefined && b.system !== null) system.push(textBlocks(b.system, '$.system'))
  const messages: ChatMessage[] = []
  expectArray(b.messages, '$.messages').forEach((m, i) => {
    const at = `$.messages[${i}]`
    const msg = expectRecord(m, at)
    const role = requireString(msg, 'role', at)
    if (role === 'system') system.push(textBlocks(msg.content, `${at}.content`))
    else if (role === 'user' || role === 'assistant') {
      messages.push({ role, content: contentBlocks(msg.content, role, `${at}.content`) })
    } else fail(`${at}.role`, `unsupported role ${JSON.stringify(role)}`)
  })

  // `thinking`, `top_k`, `service_tier` and `cache_control` are hints with no portable
  // equivalent; dropping them changes cost or style, never the meaning of the conversation.
  const req: ChatRequest = { model, messages, stream: optBoolean(b.stream, '$.stream') ?? false }
  const joined = system.filter((s) => s !== '').join('\n\n')
  if (joined !== '') req.system = joined
  if (b.tools !== undefined && b.tools !== null) {
    const tools = parseTools(b.tools, '$.tools')
    if (tools.length > 0) req.tools = tools
  }
  const toolChoice = parseToolChoice(b.tool_choice, '$.tool_choice')
  if (toolChoice !== undefined) req.toolChoice = toolChoice
  const maxTokens = optInteger(b.max_tokens, '$.max_tokens')
  if (maxTokens !== undefined) req.maxTokens = maxTokens
  const temperature = optNumber(b.temperature, '$.temperature')
  if (temperature !== undefined) req.temperature = temperature
  const topP = optNumber(b.top_p, '$.top_p')
  if (topP !== undefined) req.topP = topP
  const stop = optStringList(b.stop_sequences, '$.stop_sequences')
  if (stop && stop.length > 0) req.stop = stop
  if (b.metadata !== undefined && b.metadata !== null) {
    const user = optString(expectRecord(b.metadata, '$.metadata').user_id, '$.metadata.user_id')
    if (user !== undefined) req.user = user
  }
  return req
}

function renderPart(p: ChatPart, path: string): Json | undefined {
  switch (p.type) {
    case 'text':
      // Anthropic rejects empty text blocks; an empty string carries nothing anyway.
      return p.text === '' ? undefined : { type: 'text', text: p.text }
    case 'image':
      if (p.data !== undefined) {
        return { type: 'image', source: { type: 'base64', media_type: p.mediaType, data: p.data } }
      }
      if (p.url === undefined) return fail(path, 'image has neither data nor url')
      return { type: 'image', source: { type: 'url', url: p.url } }
    case 'tool_call':
      return {
        type: 'tool_use',
        id: p.id,
        name: p.name,
        input: argumentsToObject(p.arguments, `${path}.arguments`),
      }
    case 'tool_result':
      return compact({
        type: 'tool_result',
        tool_use_id: p.toolCallId,
        content: p.content,
        is_error: p.isError || undefined,
      })
  }
}

export function renderAnthropicToolChoice(c: ToolChoice | undefined): Json | undefined {
  if (c === undefined) return undefined
  if (c === 'auto') return { type: 'auto' }
  if (c === 'none') return { type: 'none' }
  if (c === 'required') return { type: 'any' }
  return { type: 'tool', name: c.name }
}

export function renderAnthropicRequest(req: ChatRequest): Json {
  const messages: Json[] = []
  req.messages.forEach((m, i) => {
    const blocks = m.content
      .map((p, j) => renderPart(p, `messages[${i}].content[${j}]`))
      .filter((b): b is Json => b !== undefined)
    // Anthropic wants tool results before any other content of the same user turn.
    blocks.sort((a, b) => Number(b.type === 'tool_result') - Number(a.type === 'tool_result'))
    if (blocks.length > 0) messages.push({ role: m.role, content: blocks })
  })
  const tools = req.tools?.map((t) =>
    compact({ name: t.name, description: t.description, input_schema: t.parameters }),
  )
  return compact({
    model: req.model,
    max_tokens: req.maxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
    system: req.system !== undefined && req.system !== '' ? req.system : undefined,
    messages,
    tools: tools && tools.length > 0 ? tools : undefined,
    tool_choice: renderAnthropicToolChoice(req.toolChoice),
    temperature: req.temperature,
    top_p: req.topP,
    stop_sequences: req.stop && req.stop.length > 0 ? req.stop : undefined,
    stream: req.stream,
    metadata: req.user !== undefined ? { user_id: req.user } : undefined,
  })
}
