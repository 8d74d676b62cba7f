/**
 * Mock LLM provider for gateway tests: Anthropic Messages, OpenAI Chat Completions and Gemini
 * generateContent on 127.0.0.1, scripted per credential. See mock-provider.test.ts for usage.
 */
export { ANTHROPIC_OAUTH_BETA, ANTHROPIC_VERSIONS } from './anthropic.ts'
export { ANTHROPIC_CREDIT_MESSAGE, CLAUDE_CODE_ONLY_MESSAGE } from './error-shapes.ts'
export { startMockProvider } from './server.ts'
export { parseSse, readChunks, readUntil, type SseEvent, sseJson } from './sse-client.ts'
export {
  ANTHROPIC_VERSION,
  anthropicRequest,
  geminiRequest,
  type LooseResponse,
  openaiRequest,
  type RequestOptions,
  request,
} from './test-requests.ts'
export type {
  Behavior,
  CredentialVia,
  FailureBehavior,
  MockApi,
  MockProvider,
  MockProviderOptions,
  RecordedRequest,
  RequestEvent,
  ToolCallSpec,
} from './types.ts'
