/**
 * Which models the `claude-cli` runtime serves, and what such a request authenticates with.
 * The gateway's request path and `models status` / `--check` / `--probe` all ask these
 * functions, so status cannot count a login the gateway would not use, or miss one it would
 * (DECISIONS 1). Pure.
 */
import type { Candidate, ResolvedAuth } from '../auth/resolve.ts'
import type { OpenclawConfig } from '../config/types.ts'
import type { OpenclawError } from '../errors.ts'
import type { ClaudeAccount } from './credentials.ts'

export const CLAUDE_CLI_RUNTIME = 'claude-cli'

/** The config key that routes a model: agents.defaults.models."<ref>".agentRuntime.id. */
export function routingKey(ref: string): string {
  return `agents.defaults.models."${ref}".agentRuntime.id`
}

/** True when `<provider>/<model>` is routed to the claude-cli runtime. */
export function isRoutedToClaudeCli(config: OpenclawConfig, ref: string): boolean {
  const m = config.agents?.defaults?.models?.[ref] as Record<string, unknown> | undefined
  const rt = m?.agentRuntime as { id?: unknown } | undefined
  return rt?.id === CLAUDE_CLI_RUNTIME
}

/** Every configured model ref routed to claude-cli, sorted. */
export function claudeCliRoutedModels(config: OpenclawConfig): string[] {
  return Object.keys(config.agents?.defaults?.models ?? {})
    .filter((ref) => isRoutedToClaudeCli(config, ref))
    .sort()
}

export type ClaudeCliAuthChoice =
  /** An OpenClaw-managed credential is selected; it is handed to the `claude` child. */
  | { kind: 'managed'; candidate: Candidate }
  /** No OpenClaw credential is usable right now: `claude` runs on its own login. */
  | { kind: 'cli' }
  /** A configured SecretRef failed: never fall back to another credential (auth-spec 2.7). */
  | { kind: 'blocked'; error: OpenclawError }

export function claudeCliAuthChoice(resolved: ResolvedAuth): ClaudeCliAuthChoice {
  if (resolved.effective) return { kind: 'managed', candidate: resolved.effective }
  const blockedByRef = resolved.order?.excluded.some((e) => e.reason === 'unresolved_ref') === true
  if (blockedByRef && resolved.candidates.length === 0 && resolved.error)
    return { kind: 'blocked', error: resolved.error }
  return { kind: 'cli' }
}

/** The account `login --method cli` recorded (agents.defaults.cliBackends.claude-cli.account). */
export function linkedAccount(config: OpenclawConfig): ClaudeAccount | undefined {
  const raw = config.agents?.defaults?.cliBackends?.[CLAUDE_CLI_RUNTIME]?.account
  if (!raw || typeof raw !== 'object') return undefined
  const a = raw as Record<string, unknown>
  const out: ClaudeAccount = {
    ...(typeof a.email === 'string' ? { email: a.email } : {}),
    ...(typeof a.accountUuid === 'string' ? { accountUuid: a.accountUuid } : {}),
  }
  return Object.keys(out).length ? out : undefined
}
