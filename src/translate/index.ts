/**
 * Translation entry points, keyed the way the gateway chooses them: by the inbound API the
 * client spoke, and by the `api` kind of the provider the request is routed to. Every request
 * goes inbound -> IR -> upstream and every response comes back the same way, so any inbound
 * format reaches any provider.
 */

import {
  createAnthropicStreamParser,
  createAnthropicStreamWriter,
  parseAnthropicRequest,
  parseAnthropicResponse,
  renderAnthropicError,
  renderAnthropicRequest,
  renderAnthropicResponse,
} from './anthropic-messages.ts'
import { createGeminiStreamParser, parseGeminiResponse, renderGeminiRequest } from './google-generative.ts'
import type { ChatEvent, ChatRequest, ChatResponse } from './ir.ts'
import {
  createOpenAIStreamParser,
  createOpenAIStreamWriter,
  parseOpenAIChatRequest,
  parseOpenAIChatResponse,
  renderOpenAIChatRequest,
  renderOpenAIChatResponse,
  renderOpenAIError,
} from './openai-chat.ts'
import type { SseEvent } from './sse.ts'

export type InboundApi = 'openai' | 'anthropic'
export type UpstreamApi = 'openai-completions' | 'anthropic-messages' | 'google-generative-ai'

/** Feed it the events of `createSseDecoder()`; `end()` when the upstream body ends. */
export interface StreamParser {
  push(ev: SseEvent): ChatEvent[]
  end(): ChatEvent[]
}

/** Returns ready-to-send SSE text ('' when an event has no representation in the format). */
export interface StreamWriter {
  write(ev: ChatEvent): string
  end(): string
}

/**
 * Gemini responses carry neither an id nor (reliably) the model id, so the gateway supplies
 * both; the other upstreams ignore this and use what the response says.
 */
export interface UpstreamContext {
  id: string
  model: string
}

export interface WriterContext {
  /** Unix seconds, used by OpenAI's `created`. */
  created: number
  /** Fallbacks used only if content arrives before the upstream's start event. */
  id?: string
  model?: string
}

export interface InboundAdapter {
  parseRequest(body: unknown): ChatRequest
  renderResponse(res: ChatResponse, ctx: { created: number }): Record<string, unknown>
  createStreamWriter(ctx: WriterContext): StreamWriter
  /** Error body in this API's shape; `type` e.g. invalid_request_error, authentication_error. */
  renderError(message: string, type?: string): Record<string, unknown>
}

export interface UpstreamAdapter {
  renderRequest(req: ChatRequest): Record<string, unknown>
  parseResponse(body: unknown, ctx: UpstreamContext): ChatResponse
  createStreamParser(ctx: UpstreamContext): StreamParser
}

export const INBOUND: Record<InboundApi, InboundAdapter> = {
  openai: {
    parseRequest: parseOpenAIChatRequest,
    renderResponse: renderOpenAIChatResponse,
    createStreamWriter: (ctx) => createOpenAIStreamWriter(ctx),
    renderError: (message, type) => renderOpenAIError(message, type),
  },
  anthropic: {
    parseRequest: parseAnthropicRequest,
    renderResponse: (res) => renderAnthropicResponse(res),
    createStreamWriter: (ctx) => createAnthropicStreamWriter({ id: ctx.id, model: ctx.model }),
    renderError: (message, type) => renderAnthropicError(message, type),
  },
}

export const UPSTREAM: Record<UpstreamApi, UpstreamAdapter> = {
  'openai-completions': {
    renderRequest: (req) => renderOpenAIChatRequest(req),
    parseResponse: (body) => parseOpenAIChatResponse(body),
    createStreamParser: () => createOpenAIStreamParser(),
  },
  'anthropic-messages': {
    renderRequest: renderAnthropicRequest,
    parseResponse: (body) => parseAnthropicResponse(body),
    createStreamParser: () => createAnthropicStreamParser(),
  },
  'google-generative-ai': {
    renderRequest: renderGeminiRequest,
    parseResponse: parseGeminiResponse,
    createStreamParser: (ctx) => createGeminiStreamParser(ctx),
  },
}

export function isInboundApi(v: string): v is InboundApi {
  return Object.hasOwn(INBOUND, v)
}

export function isUpstreamApi(v: string): v is UpstreamApi {
  return Object.hasOwn(UPSTREAM, v)
}

export * from './anthropic-messages.ts'
export * from './google-generative.ts'
export * from './ir.ts'
export * from './openai-chat.ts'
export { createSseDecoder, type SseDecoder, type SseEvent } from './sse.ts'
