/**
 * The gateway's neutral chat representation. Inbound requests (OpenAI chat, Anthropic messages)
 * are parsed into it, and upstream adapters (anthropic-messages, openai-completions,
 * google-generative-ai) render it, so any inbound format reaches any provider with 2 + 3
 * translators instead of 2 x 3. Streaming uses the ChatEvent union below.
 */

export type ChatRole = 'user' | 'assistant'

export type ChatPart =
  | { type: 'text'; text: string }
  | { type: 'image'; mediaType: string; data?: string; url?: string }
  | { type: 'tool_call'; id: string; name: string; arguments: string }
  | { type: 'tool_result'; toolCallId: string; content: string; isError?: boolean }

export interface ChatMessage {
  role: ChatRole
  content: ChatPart[]
}

export interface ChatTool {
  name: string
  description?: string
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>
}

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string }

export interface ChatRequest {
  /** Upstream model id (provider prefix already removed). */
  model: string
  system?: string
  messages: ChatMessage[]
  tools?: ChatTool[]
  toolChoice?: ToolChoice
  maxTokens?: number
  temperature?: number
  topP?: number
  stop?: string[]
  stream: boolean
  /** End-user id for abuse tracking, passed through where the upstream has a field for it. */
  user?: string
}

export type StopReason = 'end' | 'max_tokens' | 'tool_calls' | 'stop_sequence' | 'content_filter' | 'error'

export interface Usage {
  inputTokens: number
  outputTokens: number
}

export interface ChatResponse {
  id: string
  model: string
  content: ChatPart[]
  stopReason: StopReason
  usage: Usage
}

/**
 * Streaming events. `index` is the position of the content block in the final message, so
 * text and several tool calls can interleave the way both APIs allow.
 */
export type ChatEvent =
  | { type: 'start'; id: string; model: string; usage?: Partial<Usage> }
  | { type: 'text_delta'; index: number; text: string }
  | { type: 'tool_call_start'; index: number; id: string; name: string }
  | { type: 'tool_call_delta'; index: number; argumentsDelta: string }
  | { type: 'block_stop'; index: number }
  | { type: 'finish'; stopReason: StopReason; usage: Partial<Usage> }
  | { type: 'error'; message: string; errorType?: string }

/** A request field we cannot honour is refused, not silently dropped. */
export class TranslationError extends Error {
  readonly path: string
  constructor(path: string, message: string) {
    super(`${path}: ${message}`)
    this.name = 'TranslationError'
    this.path = path
  }
}
