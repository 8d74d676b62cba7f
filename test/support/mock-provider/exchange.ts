/**
 * One request/response pair as the per-API handlers see it, and the contract every handler
 * (anthropic, openai, gemini) implements for the server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FailureBehavior, MockApi, RecordedRequest, ToolCallSpec } from './types.ts'

export interface Exchange {
  id: string
  api: MockApi
  req: IncomingMessage
  res: ServerResponse
  record: RecordedRequest
  /** The JSON body when it parsed to an object. */
  // biome-ignore lint/suspicious/noExplicitAny: provider request bodies are read loosely
  body: Record<string, any> | undefined
  /** The body was present but was not a JSON object. */
  malformed: boolean
  /** Gemini: model taken from the path (`/v1beta/models/{model}:generateContent`). */
  pathModel: string | undefined
  /** Gemini: the `:streamGenerateContent` route was called. */
  streamRoute: boolean
  /** Aborts when the client disconnects before the response finished, or the mock closes. */
  signal: AbortSignal
  chunkIntervalMs: number
  anthropicApiKeyHeader: 'any' | 'x-api-key'
  /** Waits for `release(id)`; false when the client went away first. */
  gate(): Promise<boolean>
  /** Emits 'first-chunk-sent' once. */
  firstChunkSent(): void
}

/** An HTTP error the mock answers with (body is JSON-encoded unless it is a string). */
export interface ErrorReply {
  status: number
  body: unknown
  headers?: Record<string, string>
}

export interface OkSpec {
  text?: string
  toolCall?: ToolCallSpec
  /** Hold the rest of the response until released (stream_gated). */
  gated: boolean
}

export interface ApiHandler {
  /** Credential presence and carrier rules (e.g. Anthropic OAuth tokens need Bearer + beta). */
  checkAuth(x: Exchange): ErrorReply | undefined
  /** Required headers and body fields of a generation request. */
  checkRequest(x: Exchange): ErrorReply | undefined
  /** The API's own error for a scripted failure. */
  failure(x: Exchange, behavior: FailureBehavior): ErrorReply
  /** Answers a generation request: JSON or a stream, as the request asked. */
  respond(x: Exchange, spec: OkSpec): Promise<void>
  /** Body of the model listing route. */
  listModels(x: Exchange): unknown
}
