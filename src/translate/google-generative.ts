/**
 * The Gemini `generateContent` format, used only as the `google-generative-ai` upstream.
 * Split across files to keep each small; import from here.
 */

export { GEMINI_SKIP_SIGNATURE, renderGeminiRequest } from './google-request.ts'
export {
  createGeminiStreamParser,
  type GeminiStreamParser,
  parseGeminiResponse,
  stopReasonFromGemini,
} from './google-response.ts'
