/**
 * Writing answers to the client: upstream bodies piped through unchanged when the formats
 * match (SSE chunks leave as they arrive), translated chunk by chunk otherwise; gateway-made
 * replies (chat commands) and errors in the inbound format.
 */
import type { ServerResponse } from 'node:http'
import { createSseDecoder, INBOUND, UPSTREAM } from '../translate/index.ts'
import type { ChatEvent, ChatResponse } from '../translate/ir.ts'
import { errorBody, errorHeaders, type GatewayErrorInfo, type InboundApi } from './error-response.ts'
import { copyInto, forwardableHeaders, sendJson } from './http-util.ts'
import { bodyFailure, readBody, readBodyBytes, type UpstreamResponse } from './upstream.ts'
import type { UpstreamSuccess } from './upstream-attempt.ts'

export interface SuccessMeta {
  inbound: InboundApi
  stream: boolean
  headers: Record<string, string>
  now: () => number
  /** Set when the run was stopped by the gateway (e.g. auth-revoked); ends the stream with that error. */
  stopMessage: () => string | undefined
}

export async function writeUpstreamSuccess(
  res: ServerResponse,
  s: UpstreamSuccess,
  meta: SuccessMeta,
): Promise<void> {
  const up = s.up
  if (s.passthrough) {
    if (!meta.stream) {
      // A JSON answer leaves in one write with its length: headers and body in one segment,
      // no chunked framing (each extra write is a syscall on the hot path).
      let bytes: Buffer
      try {
        bytes = await readBodyBytes(up.body)
      } catch {
        const stopped = meta.stopMessage()
        return writeGatewayError(
          res,
          meta.inbound,
          stopped
            ? { status: 401, kind: 'auth_revoked', message: stopped }
            : { status: 502, kind: 'upstream', message: 'The upstream response was interrupted.' },
          meta.headers,
        )
      }
      const headers = copyInto(forwardableHeaders(up.headers), meta.headers)
      headers['content-length'] = String(bytes.length)
      res.writeHead(up.status, headers)
      res.end(bytes)
      return
    }
    res.writeHead(up.status, copyInto(forwardableHeaders(up.headers), meta.headers))
    res.flushHeaders()
    const room = clientRoom(res, up)
    try {
      await up.body.eachChunk((chunk) => room(res.write(chunk)))
      res.end()
    } catch (err) {
      endStreamWithError(res, meta, interruption(err, up))
    }
    return
  }
  const created = Math.floor(meta.now() / 1000)
  const id = `chatcmpl-${meta.headers['x-openclaw-run-id'] ?? created}`
  if (!meta.stream) {
    const text = await readBody(up.body)
    const parsed = UPSTREAM[s.endpoint.api].parseResponse(JSON.parse(text), { id, model: s.model })
    sendJson(res, 200, INBOUND[meta.inbound].renderResponse(parsed, { created }), meta.headers)
    return
  }
  res.writeHead(
    200,
    copyInto({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }, meta.headers),
  )
  res.flushHeaders()
  const decoder = createSseDecoder()
  const parser = UPSTREAM[s.endpoint.api].createStreamParser({ id, model: s.model })
  const writer = INBOUND[meta.inbound].createStreamWriter({ created, id, model: s.model })
  /** false when the client's socket is full. */
  const emit = (events: ChatEvent[]): boolean => {
    let fits = true
    for (const ev of events) {
      const out = writer.write(ev)
      if (out && !res.write(out)) fits = false
    }
    return fits
  }
  const room = clientRoom(res, up)
  try {
    await up.body.eachChunk((chunk) => {
      // Bytes, not chunk.toString(): the decoder keeps a character whose UTF-8 bytes straddle
      // two reads whole instead of turning it into two U+FFFD.
      let wrote = true
      for (const frame of decoder.push(chunk)) if (!emit(parser.push(frame))) wrote = false
      return room(wrote)
    })
    for (const frame of decoder.end()) emit(parser.push(frame))
    emit(parser.end())
    res.end(writer.end())
  } catch (err) {
    const msg = meta.stopMessage() ?? interruption(err, up)
    emit([{ type: 'error', message: msg, errorType: 'api_error' }])
    res.end()
  }
}

/**
 * Backpressure for streamed answers: once the client's socket is full (res.write returned
 * false) the upstream read pauses until it drains, so a slow client makes TCP push back on the
 * provider instead of the gateway holding the rest of the answer in memory.
 */
function clientRoom(res: ServerResponse, up: UpstreamResponse): (wrote: boolean) => boolean {
  let waiting = false
  const resume = () => {
    waiting = false
    up.body.resume()
  }
  return (wrote) => {
    if (wrote) return true
    if (!waiting) {
      waiting = true
      res.once('drain', resume)
    }
    return false
  }
}

/** Our own transport errors say what happened (e.g. the idle timeout); others stay generic. */
function interruption(err: unknown, up: UpstreamResponse): string {
  const failure = bodyFailure(err, up)
  return failure ? `upstream stream interrupted: ${failure.message}` : 'upstream stream interrupted'
}

function endStreamWithError(res: ServerResponse, meta: SuccessMeta, fallback: string): void {
  const message = meta.stopMessage() ?? fallback
  if (!res.writableEnded) {
    // Mid-stream there is no status code left to change; an SSE error frame is what both
    // SDKs understand.
    res.end(
      meta.inbound === 'anthropic'
        ? `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'api_error', message } })}\n\n`
        : `data: ${JSON.stringify({ error: { message, type: 'api_error' } })}\n\n`,
    )
  }
}

export function writeGatewayReply(
  res: ServerResponse,
  inbound: InboundApi,
  stream: boolean,
  text: string,
  meta: Pick<SuccessMeta, 'headers' | 'now'>,
): void {
  const created = Math.floor(meta.now() / 1000)
  const id = `msg_openclaw_${created}`
  const model = 'openclaw'
  const response: ChatResponse = {
    id,
    model,
    content: [{ type: 'text', text }],
    stopReason: 'end',
    usage: { inputTokens: 0, outputTokens: 0 },
  }
  if (!stream) {
    sendJson(res, 200, INBOUND[inbound].renderResponse(response, { created }), meta.headers)
    return
  }
  const writer = INBOUND[inbound].createStreamWriter({ created, id, model })
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...meta.headers })
  const events: ChatEvent[] = [
    { type: 'start', id, model, usage: { inputTokens: 0 } },
    { type: 'text_delta', index: 0, text },
    { type: 'block_stop', index: 0 },
    { type: 'finish', stopReason: 'end', usage: { inputTokens: 0, outputTokens: 0 } },
  ]
  for (const ev of events) res.write(writer.write(ev))
  res.end(writer.end())
}

export function writeGatewayError(
  res: ServerResponse,
  inbound: InboundApi,
  e: GatewayErrorInfo,
  headers: Record<string, string> = {},
): void {
  sendJson(res, e.status, errorBody(inbound, e), { ...headers, ...errorHeaders(e) })
}
