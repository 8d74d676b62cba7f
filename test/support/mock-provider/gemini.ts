/**
 * Gemini API (POST /v1beta/models/{model}:generateContent and :streamGenerateContent): key in
 * `x-goog-api-key` or `?key=`, JSON replies, and streams as SSE (`alt=sse`, CRLF-framed
 * `data:` events, no [DONE]) or, without alt=sse, as one incrementally written JSON array.
 */
import { countTokens, defaultText, mockId, promptTokens, splitText } from './content.ts'
import { type ErrorContext, failureReply, geminiError } from './error-shapes.ts'
import type { ApiHandler, ErrorReply, Exchange, OkSpec } from './exchange.ts'
import { holdUntilReleased, openStream, playFrames, sendJson, sseFrame } from './stream-helpers.ts'

function ctx(x: Exchange): ErrorContext {
  return {
    requestId: x.id,
    model: x.pathModel ?? '',
    credential: x.record.credential,
    via: x.record.credentialVia,
  }
}

function checkAuth(x: Exchange): ErrorReply | undefined {
  if (x.record.credential) return undefined
  return geminiError(
    403,
    "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
  )
}

function checkRequest(x: Exchange): ErrorReply | undefined {
  if (x.malformed || !x.body) return geminiError(400, 'Invalid JSON payload received. Unexpected token.')
  if (!Array.isArray(x.body.contents) || x.body.contents.length === 0) {
    return geminiError(400, '* GenerateContentRequest.contents: contents is not specified\n')
  }
  return undefined
}

async function respond(x: Exchange, spec: OkSpec): Promise<void> {
  const model = x.pathModel ?? ''
  const responseId = mockId('mockresp')
  const text = spec.text ?? (spec.toolCall ? undefined : defaultText('gemini', x.body))
  const call = spec.toolCall
  const promptCount = promptTokens('gemini', x.body)
  const outCount = countTokens((text ?? '') + (call ? JSON.stringify(call.arguments) : ''))
  const usageMetadata = {
    promptTokenCount: promptCount,
    candidatesTokenCount: outCount,
    totalTokenCount: promptCount + outCount,
  }
  const candidate = (parts: unknown[], finish: boolean) => ({
    content: { parts, role: 'model' },
    ...(finish ? { finishReason: 'STOP' } : {}),
    index: 0,
  })
  const callPart = call ? { functionCall: { name: call.name, args: call.arguments } } : undefined

  if (!x.streamRoute) {
    if (!(await holdUntilReleased(x, spec.gated))) return
    const parts: unknown[] = []
    if (text !== undefined) parts.push({ text })
    if (callPart) parts.push(callPart)
    sendJson(x, 200, { candidates: [candidate(parts, true)], usageMetadata, modelVersion: model, responseId })
    return
  }

  // Gemini sends a function call whole, in one chunk; only text is split.
  const chunks: unknown[][] = splitText(text ?? '').map((piece) => [{ text: piece }])
  if (callPart) chunks.push([callPart])
  if (chunks.length === 0) chunks.push([{ text: '' }])
  const bodies = chunks.map((parts, i) => {
    const last = i === chunks.length - 1
    return {
      candidates: [candidate(parts, last)],
      usageMetadata: last ? usageMetadata : { promptTokenCount: promptCount, totalTokenCount: promptCount },
      modelVersion: model,
      responseId,
    }
  })
  const sse = x.record.query.alt === 'sse'
  const frames = sse
    ? bodies.map((b) => sseFrame(b, undefined, '\r\n'))
    : [...bodies.map((b, i) => `${i === 0 ? '[' : ',\r\n'}${JSON.stringify(b)}`), ']']
  openStream(x, sse ? 'text/event-stream' : 'application/json; charset=UTF-8')
  await playFrames(x, frames, 1, spec.gated)
}

export const geminiHandler: ApiHandler = {
  checkAuth,
  checkRequest,
  failure: (x, behavior) => failureReply('gemini', ctx(x), behavior),
  respond,
  listModels: () => ({
    models: ['gemini-2.5-flash', 'gemini-2.5-pro'].map((id) => ({
      name: `models/${id}`,
      version: '001',
      displayName: id,
      inputTokenLimit: 1_048_576,
      outputTokenLimit: 65_536,
      supportedGenerationMethods: ['generateContent', 'countTokens'],
    })),
  }),
}
