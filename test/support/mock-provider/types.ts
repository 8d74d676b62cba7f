/**
 * Public types of the mock LLM provider: what a test scripts (Behavior), what the mock
 * records (RecordedRequest) and the handle a test holds (MockProvider).
 */
import type { EventEmitter } from 'node:events'

export type MockApi = 'anthropic' | 'openai' | 'gemini'

/** Where the request's credential came from. */
export type CredentialVia = 'x-api-key' | 'bearer' | 'x-goog-api-key' | 'query'

export interface RecordedRequest {
  /** Same value as the `x-mock-request-id` response header; pass it to `release(id)`. */
  id: string
  api: MockApi
  method: string
  /** URL path without the query string, e.g. `/v1/messages`. */
  path: string
  /** Decoded query parameters (Gemini `alt`, `key`). */
  query: Record<string, string>
  /** Request headers exactly as received, names lower-cased, repeated values joined with ', '. */
  headers: Record<string, string>
  /** Parsed JSON body; the raw text when it is not valid JSON; undefined when empty. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary provider request fields
  body: any
  rawBody: string
  /** The key/token the request carried (x-api-key, Bearer, x-goog-api-key or ?key=). */
  credential: string | undefined
  credentialVia: CredentialVia | undefined
  /** False when no route matched (the mock answered 404). */
  routed: boolean
  /** Status the mock answered with; undefined while pending, on hang, or on reset. */
  status?: number
  /** Date.now() when the request body was fully received. */
  at: number
}

export interface ToolCallSpec {
  name: string
  arguments: Record<string, unknown>
}

export type Behavior =
  | { kind: 'ok'; text?: string; toolCall?: ToolCallSpec; delayMs?: number }
  | { kind: 'error'; status: number; body?: unknown; headers?: Record<string, string> }
  /** `gated`: the 429 waits for `release()` (several can be held, then answered together). */
  | { kind: 'rate_limit'; retryAfterSeconds?: number; gated?: boolean }
  | { kind: 'overloaded' }
  | { kind: 'auth' }
  | { kind: 'billing' }
  | { kind: 'claude_code_only' }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'stream_gated'; text: string }

/** Behaviors answered with an HTTP error in the API's own shape. */
export type FailureBehavior = Extract<
  Behavior,
  { kind: 'error' | 'rate_limit' | 'overloaded' | 'auth' | 'billing' | 'claude_code_only' }
>

export interface RequestEvent {
  id: string
}

export interface MockProviderOptions {
  /** Port to listen on (127.0.0.1); default: a free one. */
  port?: number
  /** Pause between streamed frames; default 0 (one event-loop turn between writes). */
  chunkIntervalMs?: number
  /**
   * How Anthropic API keys may travel. 'any' (default, like the real API: since version
   * 2026-10-21 the official SDKs send keys as `Authorization: Bearer`): x-api-key or Bearer.
   * 'x-api-key': a Bearer credential must be an OAuth token (sk-ant-oat01-), the pre-2026-10-21
   * convention, for tests that prove the gateway sends keys as x-api-key.
   */
  anthropicApiKeyHeader?: 'any' | 'x-api-key'
}

export interface MockProvider {
  /** http://127.0.0.1:<port> (no trailing slash, no /v1). */
  url: string
  requests: RecordedRequest[]
  /**
   * Behavior by credential; unknown credentials get the default ('auth' unless setDefault).
   * An array is a queue consumed one per request that passed validation; the last entry repeats.
   */
  setBehavior(credential: string, behavior: Behavior | Behavior[]): void
  /** Behavior for credentials without setBehavior, e.g. `{ kind: 'ok' }` to accept any key. */
  setDefault(behavior: Behavior): void
  /**
   * 'request' (RecordedRequest, once the body is read); 'first-chunk-sent', 'gate-waiting' (a
   * stream_gated response now waits for release), 'response-finished', 'client-aborted' ({ id }).
   */
  events: EventEmitter
  /** Releases gated responses: the one with this id (even before it reaches the gate), or all waiting. */
  release(id?: string): void
  /** Requests (any route) that carried this credential. */
  callsFor(credential: string): number
  /** Clears recorded requests, scripted behaviors, the default and early releases; in-flight responses continue. */
  reset(): void
  /** Stops listening and destroys every open connection (hanging and gated ones too). */
  close(): Promise<void>
}
