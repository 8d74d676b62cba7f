/**
 * The I/O half of the Claude CLI part of `models status`: reads Claude Code's login (read-only,
 * file-backed, never a Keychain prompt) only when some model is routed to claude-cli, so the
 * cron path of everyone else reads nothing more.
 */
import type { StatusInputs } from '../auth/status-types.ts'
import type { OpenclawConfig } from '../config/types.ts'
import { readClaudeCliLogin } from './credentials.ts'
import { claudeCliRoutedModels, linkedAccount } from './routing.ts'

type Env = Readonly<Record<string, string | undefined>>

export function claudeCliStatusInputs(config: OpenclawConfig, env: Env, now: number): StatusInputs {
  if (claudeCliRoutedModels(config).length === 0) return {}
  return { claudeCli: { login: readClaudeCliLogin(env, now), linked: linkedAccount(config) } }
}
