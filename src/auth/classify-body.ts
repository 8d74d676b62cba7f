/**
 * Pulls message/type/code out of the error bodies providers actually send, so the classifier
 * can match on fields instead of raw JSON. Tolerant on purpose: unknown shapes give `{}`.
 */

export interface ExtractedError {
  message?: string
  /** Provider error type or status word: `rate_limit_error`, `RESOURCE_EXHAUSTED`, `ThrottlingException`. */
  type?: string
  code?: string
  /** Numeric `error.code` (Google, OpenRouter) — used only when the caller has no HTTP status. */
  status?: number
  /** Upstream detail a proxy wrapped (OpenRouter `metadata.raw`); matched, never shown. */
  extra?: string
  /** Google `RetryInfo.retryDelay` ('37s'): Gemini puts the wait in the body, not a header. */
  retryDelay?: string
}

type Json = Record<string, unknown>

/** Accepts a JSON body, an SSE stream holding an error event, or text with embedded JSON. */
export function extractErrorFields(text: string | undefined): ExtractedError {
  const trimmed = text?.trim()
  if (!trimmed) return {}
  for (const candidate of jsonCandidates(trimmed)) {
    const parsed = tryParse(candidate)
    if (parsed === undefined) continue
    const fields = fromJson(parsed)
    if (Object.keys(fields).length > 0) return fields
  }
  return {}
}

function* jsonCandidates(text: string): Generator<string> {
  if (text.startsWith('{') || text.startsWith('[')) yield text
  // Stream errors arrive as `event: error\ndata: {...}` after a 200, with no useful status.
  for (const line of text.split(/\r?\n/)) {
    const match = /^data:\s*(\{.*\})\s*$/.exec(line)
    if (match?.[1]) yield match[1]
  }
  // SDKs often flatten the body into the message: `429 {"type":"error",...}`.
  const start = text.indexOf('{')
  const end = text.lastIndexOf('}')
  if (start > 0 && end > start) yield text.slice(start, end + 1)
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function fromJson(value: unknown): ExtractedError {
  // Gemini's streaming endpoints wrap the error object in a one-element array.
  const root = Array.isArray(value) ? value[0] : value
  if (!isObject(root)) return {}
  const out: ExtractedError = {}
  const err = root.error
  if (isObject(err)) {
    // Anthropic {type, message}; OpenAI {message, type, code}; Google {code, status, message}.
    out.message = str(err.message)
    out.type = str(err.type) ?? str(err.status)
    if (typeof err.code === 'number') out.status = err.code
    else out.code = str(err.code)
    const metadata = err.metadata
    if (isObject(metadata)) {
      const raw = metadata.raw
      out.extra = typeof raw === 'string' ? raw : raw === undefined ? undefined : JSON.stringify(raw)
    }
    out.retryDelay = googleRetryDelay(err.details)
  } else if (typeof err === 'string') {
    out.message = err
  }
  // Bedrock: {"__type": "com.amazon...#ThrottlingException", "message": "..."}.
  const awsType = str(root.__type)
  if (awsType) out.type ??= awsType.split('#').pop()?.split(':')[0]
  out.message ??= str(root.message) ?? str(root.Message) ?? str(root.detail) ?? cloudflareMessage(root)
  if (root.type !== 'error') out.type ??= str(root.type)
  if (out.code === undefined && typeof root.code === 'string') out.code = root.code
  return prune(out)
}

function googleRetryDelay(details: unknown): string | undefined {
  if (!Array.isArray(details)) return undefined
  for (const detail of details as unknown[]) {
    if (isObject(detail) && str(detail.retryDelay)) return str(detail.retryDelay)
  }
  return undefined
}

/** Cloudflare's API envelope: `{"success": false, "errors": [{"code": 3036, "message": "..."}]}`. */
function cloudflareMessage(root: Json): string | undefined {
  const errors = root.errors
  if (!Array.isArray(errors)) return undefined
  const first: unknown = errors[0]
  return isObject(first) ? str(first.message) : undefined
}

function prune(fields: ExtractedError): ExtractedError {
  const out: ExtractedError = {}
  if (fields.message) out.message = fields.message
  if (fields.type) out.type = fields.type
  if (fields.code) out.code = fields.code
  if (fields.status !== undefined && Number.isInteger(fields.status)) out.status = fields.status
  if (fields.extra) out.extra = fields.extra
  if (fields.retryDelay) out.retryDelay = fields.retryDelay
  return out
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}
