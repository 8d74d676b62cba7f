/**
 * Upstream URL for a chat call of each API kind.
 */
import type { ProviderEndpoint } from './registry.ts'

export function chatUrl(ep: ProviderEndpoint, model: string, stream: boolean): URL {
  switch (ep.api) {
    case 'anthropic-messages':
      return new URL(`${ep.baseUrl.replace(/\/v1$/, '')}/v1/messages`)
    case 'google-generative-ai':
      return new URL(
        `${ep.baseUrl}/models/${encodeURIComponent(model)}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
      )
    default:
      return new URL(`${ep.baseUrl}/chat/completions`)
  }
}
