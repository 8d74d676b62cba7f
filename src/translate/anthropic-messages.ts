/**
 * The Anthropic Messages format, both as an inbound API and as the `anthropic-messages`
 * upstream. Split across files to keep each small; import from here.
 */

export {
  DEFAULT_ANTHROPIC_MAX_TOKENS,
  parseAnthropicRequest,
  renderAnthropicRequest,
} from './anthropic-request.ts'
export {
  parseAnthropicResponse,
  renderAnthropicError,
  renderAnthropicResponse,
  stopReasonFromAnthropic,
  stopReasonToAnthropic,
} from './anthropic-response.ts'
export {
  type AnthropicStreamParser,
  type AnthropicStreamWriter,
  createAnthropicStreamParser,
  createAnthropicStreamWriter,
} from './anthropic-stream.ts'
