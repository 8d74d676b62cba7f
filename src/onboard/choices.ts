/**
 * What `openclaw onboard` can set up, as data (auth-spec 3.5 `--auth-choice`), plus each
 * provider's recommended default model (only applied when no default model is configured).
 */
import { providerEnvPrefix } from '../env/env-keys.ts'
import { OpenclawError } from '../errors.ts'

export type ChoiceKind = 'api_key' | 'token' | 'oauth' | 'cli'

export interface AuthChoice {
  id: string
  aliases: string[]
  /** Undefined for `token`, whose provider comes from --token-provider. */
  provider?: string
  kind: ChoiceKind
  label: string
  hint?: string
}

export const AUTH_CHOICES: readonly AuthChoice[] = [
  {
    id: 'anthropic-api-key',
    aliases: ['apiKey', 'anthropic', 'anthropic-api'],
    provider: 'anthropic',
    kind: 'api_key',
    label: 'Anthropic API key',
    hint: 'recommended for a long-running gateway',
  },
  {
    id: 'anthropic-setup-token',
    aliases: ['setup-token'],
    provider: 'anthropic',
    kind: 'token',
    label: 'Anthropic setup-token',
    hint: 'Claude subscription; made with `claude setup-token`',
  },
  {
    id: 'claude-cli',
    aliases: ['anthropic-cli'],
    provider: 'anthropic',
    kind: 'cli',
    label: "Reuse this host's Claude Code login",
  },
  { id: 'openai-api-key', aliases: [], provider: 'openai', kind: 'api_key', label: 'OpenAI API key' },
  {
    id: 'openai',
    aliases: ['openai-oauth', 'chatgpt', 'openai-codex'],
    provider: 'openai',
    kind: 'oauth',
    label: 'OpenAI ChatGPT/Codex sign-in',
    hint: 'opens a browser',
  },
  {
    id: 'openrouter-api-key',
    aliases: ['openrouter'],
    provider: 'openrouter',
    kind: 'api_key',
    label: 'OpenRouter API key',
  },
  {
    id: 'gemini-api-key',
    aliases: ['google', 'gemini'],
    provider: 'google',
    kind: 'api_key',
    label: 'Google Gemini API key',
  },
  { id: 'token', aliases: [], kind: 'token', label: 'Paste a token (any provider)' },
]

export const RECOMMENDED_MODEL: Readonly<Record<string, string>> = {
  anthropic: 'anthropic/claude-sonnet-4-5',
  openai: 'openai/gpt-5.4-mini',
  openrouter: 'openrouter/anthropic/claude-sonnet-4.5',
  google: 'google/gemini-2.5-flash',
}

export function findChoice(id: string): AuthChoice {
  const lower = id.toLowerCase()
  const c = AUTH_CHOICES.find((x) => x.id === lower || x.aliases.some((a) => a.toLowerCase() === lower))
  if (c) return c
  throw new OpenclawError('usage', `Unknown --auth-choice "${id.slice(0, 40)}".`, {
    hint: `Choices: ${AUTH_CHOICES.map((x) => x.id).join(', ')}.`,
  })
}

/** The env var a provider's API key conventionally lives in (ANTHROPIC_API_KEY, GEMINI_API_KEY...). */
export function apiKeyEnvVar(provider: string): string {
  return `${providerEnvPrefix(provider)}_API_KEY`
}
