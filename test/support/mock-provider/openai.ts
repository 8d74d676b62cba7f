/**
 * OpenAI Chat Completions (POST /v1/chat/completions and /chat/completions): Bearer auth,
 * JSON replies, and `chat.completion.chunk` SSE ending in `data: [DONE]`, with the extra
 * usage chunk (empty choices) when `stream_options.include_usage` is set.
 */
import { countTokens, defaultText, mockId, promptTokens, splitText } from './content.ts'
import { type ErrorContext, failureReply, openaiError } from './error-shapes.ts'
import type { ApiHandler, ErrorReply, Exchange, OkSpec } from './exchange.ts'
import { holdUntilReleased, openStream, playFrames, sendJson, sseFrame } from './stream-helpers.ts'

const FINGERPRINT = 'fp_mock'

function ctx(x: Exchange): ErrorContext {
  return {
    requestId: x.id,
    model: String(x.body?.model ?? ''),
    credential: x.record.credential,
    via: x.record.credentialVia,
  }
}

function okHeaders(x: Exchange): Record<string, string> {
  return {
    'x-request-id': `req_${x.id}`,
    'openai-processing-ms': '1',
    'x-ratelimit-limit-requests': '500',
    'x-ratelimit-remaining-requests': '499',
    'x-ratelimit-reset-requests': '120ms',
    'x-ratelimit-limit-tokens': '30000',
    'x-ratelimit-remaining-tokens': '29000',
    'x-ratelimit-reset-tokens': '2s',
  }
}

function checkAuth(x: Exchange): ErrorReply | undefined {
  if (x.record.credentialVia === 'bearer' && x.record.credential) return undefined
  return openaiError(
    401,
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/API-keys.",
    'invalid_request_error',
    null,
  )
}

function checkRequest(x: Exchange): ErrorReply | undefined {
  if (x.malformed || !x.body) {
    return openaiError(
      400,
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
      'invalid_request_error',
      null,
    )
  }
  if (typeof x.body.model !== 'string') {
    return openaiError(400, 'you must provide a model parameter', 'invalid_request_error', null)
  }
  if (!Array.isArray(x.body.messages)) {
    return openaiError(
      400,
      "Missing required parameter: 'messages'.",
      'invalid_request_error',
      'missing_required_parameter',
      'messages',
    )
  }
  return undefined
}

async function respond(x: Exchange, spec: OkSpec): Promise<void> {
  const model = String(x.body?.model)
  const id = mockId('chatcmpl-mock')
  const created = Math.floor(Date.now() / 1000)
  const text = spec.text ?? (spec.toolCall ? undefined : defaultText('openai', x.body))
  const tool = spec.toolCall ? { id: mockId('call_mock'), ...spec.toolCall } : undefined
  const argsJson = tool ? JSON.stringify(tool.arguments) : ''
  const promptCount = promptTokens('openai', x.body)
  const completionCount = countTokens((text ?? '') + argsJson)
  const usage = {
    prompt_tokens: promptCount,
    completion_tokens: completionCount,
    total_tokens: promptCount + completionCount,
  }
  const finishReason = tool ? 'tool_calls' : 'stop'

  if (x.body?.stream !== true) {
    if (!(await holdUntilReleased(x, spec.gated))) return
    const message: Record<string, unknown> = {
      role: 'assistant',
      content: text ?? null,
      refusal: null,
      annotations: [],
    }
    if (tool) {
      message.tool_calls = [
        { id: tool.id, type: 'function', function: { name: tool.name, arguments: argsJson } },
      ]
    }
    const completion = {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
      usage,
      service_tier: 'default',
      system_fingerprint: FINGERPRINT,
    }
    sendJson(x, 200, completion, okHeaders(x))
    return
  }

  const includeUsage = x.body?.stream_options?.include_usage === true
  const frames: string[] = []
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    frames.push(
      sseFrame({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        system_fingerprint: FINGERPRINT,
        choices,
        ...(includeUsage ? { usage: null } : {}),
        ...extra,
      }),
    )
  const delta = (d: Record<string, unknown>, finish: string | null = null) =>
    chunk([{ index: 0, delta: d, logprobs: null, finish_reason: finish }])

  delta({ role: 'assistant', content: text === undefined ? null : '', refusal: null })
  let firstCount = 0
  for (const piece of splitText(text ?? '')) {
    delta({ content: piece })
    if (firstCount === 0) firstCount = frames.length
  }
  if (tool) {
    delta({
      tool_calls: [{ index: 0, id: tool.id, type: 'function', function: { name: tool.name, arguments: '' } }],
    })
    for (const piece of splitText(argsJson, 3)) {
      delta({ tool_calls: [{ index: 0, function: { arguments: piece } }] })
      if (firstCount === 0) firstCount = frames.length
    }
  }
  delta({}, finishReason)
  if (includeUsage) chunk([], { usage })
  frames.push(sseFrame('[DONE]'))
  openStream(x, 'text/event-stream; charset=utf-8', okHeaders(x))
  await playFrames(x, frames, firstCount, spec.gated)
}

export const openaiHandler: ApiHandler = {
  checkAuth,
  checkRequest,
  failure: (x, behavior) => failureReply('openai', ctx(x), behavior),
  respond,
  listModels: () => ({
    object: 'list',
    data: ['gpt-5.4', 'gpt-5.4-mini'].map((id) => ({
      id,
      object: 'model',
      created: 1_715_367_049,
      owned_by: 'system',
    })),
  }),
}
