/**
 * Upstream URL for a chat call of each API kind.
 */
import type { ProviderEndpoint } from './registry.ts'

const fixedUrls = new WeakMap<ProviderEndpoint, URL>()

/**
 * The URL is parsed once per endpoint where it does not depend on the model (the gateway's hot
 * path asks for it on every request). The returned URL is shared: never mutate it.
 */
export function chatUrl(ep: ProviderEndpoint, model: string, stream: boolean): URL {
  if (ep.api === 'google-generative-ai') return buildChatUrl(ep, model, stream)
  let url = fixedUrls.get(ep)
  if (!url) {
    url = buildChatUrl(ep, model, stream)
    fixedUrls.set(ep, url)
  }
  return url
}

function buildChatUrl(ep: ProviderEndpoint, model: string, stream: boolean): URL {
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
