/**
 * The OpenAI Chat Completions format, both as an inbound API and as the
 * `openai-completions` upstream. Split across files to keep each small; import from here.
 */

export {
  type OpenAIRenderOptions,
  parseOpenAIChatRequest,
  renderOpenAIChatRequest,
} from './openai-request.ts'
export {
  parseOpenAIChatResponse,
  renderOpenAIChatResponse,
  renderOpenAIError,
  stopReasonFromOpenAI,
  stopReasonToOpenAI,
} from './openai-response.ts'
export {
  createOpenAIStreamParser,
  createOpenAIStreamWriter,
  type OpenAIStreamParser,
  type OpenAIStreamWriter,
  type OpenAIStreamWriterOptions,
} from './openai-stream.ts'
