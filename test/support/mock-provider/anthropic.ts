/**
 * Anthropic Messages API (POST /v1/messages): the header and body checks the real API makes,
 * JSON replies, and the SSE stream (message_start, content_block_start, ping,
 * content_block_delta text_delta / input_json_delta, content_block_stop, message_delta, message_stop).
 */
import { countTokens, defaultText, mockId, promptTokens, splitText } from './content.ts'
import { anthropicError, type ErrorContext, failureReply } from './error-shapes.ts'
import type { ApiHandler, ErrorReply, Exchange, OkSpec } from './exchange.ts'
import { holdUntilReleased, openStream, playFrames, sendJson, sseFrame } from './stream-helpers.ts'

export const ANTHROPIC_OAUTH_BETA = 'oauth-2025-04-20'
const OAUTH_PREFIX = 'sk-ant-oat01-'

function ctx(x: Exchange): ErrorContext {
  return {
    requestId: x.id,
    model: String(x.body?.model ?? ''),
    credential: x.record.credential,
    via: x.record.credentialVia,
  }
}

function okHeaders(x: Exchange): Record<string, string> {
  const reset = new Date(Date.now() + 60_000).toISOString()
  return {
    'request-id': `req_${x.id}`,
    'anthropic-ratelimit-requests-limit': '50',
    'anthropic-ratelimit-requests-remaining': '49',
    'anthropic-ratelimit-requests-reset': reset,
    'anthropic-ratelimit-tokens-limit': '100000',
    'anthropic-ratelimit-tokens-remaining': '99000',
    'anthropic-ratelimit-tokens-reset': reset,
  }
}

function checkAuth(x: Exchange): ErrorReply | undefined {
  const { credential, credentialVia } = x.record
  const c = ctx(x)
  if (!credential) return anthropicError(c, 401, 'authentication_error', 'x-api-key header is required')
  const oauth = credential.startsWith(OAUTH_PREFIX)
  if (credentialVia !== 'bearer') {
    return oauth ? anthropicError(c, 401, 'authentication_error', 'invalid x-api-key') : undefined
  }
  if (!oauth && x.anthropicApiKeyHeader === 'any') return undefined
  const betas = (x.record.headers['anthropic-beta'] ?? '').split(',').map((b) => b.trim())
  if (!betas.includes(ANTHROPIC_OAUTH_BETA)) {
    return anthropicError(c, 401, 'authentication_error', 'OAuth authentication is currently not supported.')
  }
  return oauth ? undefined : anthropicError(c, 401, 'authentication_error', 'Invalid bearer token')
}

export const ANTHROPIC_VERSIONS = ['2023-01-01', '2023-06-01', '2026-10-21']
/** Models that reject sampling parameters on every API version (Opus 4.7+, the 5 families). */
const NO_SAMPLING_MODELS = /^claude-(opus-4-[7-9]|opus-5|sonnet-5|fable|mythos)/
const SAMPLING_PARAMS = ['temperature', 'top_p', 'top_k']

function checkRequest(x: Exchange): ErrorReply | undefined {
  const c = ctx(x)
  const invalid = (message: string) => anthropicError(c, 400, 'invalid_request_error', message)
  const version = x.record.headers['anthropic-version']
  if (!version) return invalid('anthropic-version: header is required')
  if (!ANTHROPIC_VERSIONS.includes(version)) return invalid(`anthropic-version: invalid version ${version}`)
  if (x.malformed || !x.body) {
    return invalid('There was an error parsing the body of your request. Please check that it is valid JSON.')
  }
  if (typeof x.body.model !== 'string') return invalid('model: Field required')
  if (typeof x.body.max_tokens !== 'number') return invalid('max_tokens: Field required')
  if (!Array.isArray(x.body.messages)) return invalid('messages: Field required')
  // API version 2026-10-21 removed temperature/top_p/top_k for every model; newer models never had them.
  if (version === '2026-10-21' || NO_SAMPLING_MODELS.test(x.body.model)) {
    const sent = SAMPLING_PARAMS.find((p) => x.body?.[p] !== undefined)
    if (sent) return invalid(`\`${sent}\` is deprecated for this model.`)
  }
  return undefined
}

async function respond(x: Exchange, spec: OkSpec): Promise<void> {
  const model = String(x.body?.model)
  const id = mockId('msg_mock')
  const text = spec.text ?? (spec.toolCall ? undefined : defaultText('anthropic', x.body))
  const tool = spec.toolCall ? { id: mockId('toolu_mock'), ...spec.toolCall } : undefined
  const argsJson = tool ? JSON.stringify(tool.arguments) : ''
  const inputTokens = promptTokens('anthropic', x.body)
  const outputTokens = countTokens((text ?? '') + argsJson)
  const stopReason = tool ? 'tool_use' : 'end_turn'

  if (x.body?.stream !== true) {
    if (!(await holdUntilReleased(x, spec.gated))) return
    const content: unknown[] = []
    if (text !== undefined) content.push({ type: 'text', text })
    if (tool) content.push({ type: 'tool_use', id: tool.id, name: tool.name, input: tool.arguments })
    const message = {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: outputTokens },
    }
    sendJson(x, 200, message, okHeaders(x))
    return
  }

  const frames: string[] = []
  const ev = (type: string, data: Record<string, unknown>) => frames.push(sseFrame({ type, ...data }, type))
  ev('message_start', {
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: 1 },
    },
  })
  let index = 0
  let firstCount = 0
  if (text !== undefined) {
    ev('content_block_start', { index, content_block: { type: 'text', text: '' } })
    ev('ping', {})
    for (const piece of splitText(text)) {
      ev('content_block_delta', { index, delta: { type: 'text_delta', text: piece } })
      if (firstCount === 0) firstCount = frames.length
    }
    ev('content_block_stop', { index })
    index += 1
  }
  if (tool) {
    ev('content_block_start', {
      index,
      content_block: { type: 'tool_use', id: tool.id, name: tool.name, input: {} },
    })
    if (text === undefined) ev('ping', {})
    for (const piece of splitText(argsJson, 3)) {
      ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } })
      if (firstCount === 0) firstCount = frames.length
    }
    ev('content_block_stop', { index })
  }
  ev('message_delta', {
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: outputTokens },
  })
  ev('message_stop', {})
  openStream(x, 'text/event-stream; charset=utf-8', okHeaders(x))
  await playFrames(x, frames, firstCount, spec.gated)
}

const MODELS = ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-4-5-20251001']

export const anthropicHandler: ApiHandler = {
  checkAuth,
  checkRequest,
  failure: (x, behavior) => failureReply('anthropic', ctx(x), behavior),
  respond,
  listModels: () => ({
    data: MODELS.map((id) => ({
      type: 'model',
      id,
      display_name: id,
      created_at: '2026-10-01T00:00:00Z',
    })),
    has_more: false,
    first_id: MODELS[0],
    last_id: MODELS[MODELS.length - 1],
  }),
}
