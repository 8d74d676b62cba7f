/**
 * The `claude-cli` runtime backend: serves a request for a model routed to it by running the
 * host's `claude -p`. What the gateway needs to call:
 *
 *   const backend = createClaudeCliBackend({ config: () => cfg, env })
 *   const r = backend.start({ prompt, model, credential, signal })   // throws OpenclawError before spawn
 *   for await (const chunk of r.stdout) stream(chunk); const { code } = await r.done
 *
 * `credential` is the selected OpenClaw-managed Anthropic credential (an API key, a setup-token,
 * or an OAuth access token already made fresh by the refresher), or `{ kind: 'cli' }` to let
 * `claude` use its own login, which is checked against the linked account first.
 */
import type { Credential } from '../auth/types.ts'
import type { OpenclawConfig } from '../config/types.ts'
import { OpenclawError } from '../errors.ts'
import type { AbortLike } from '../util/abort-like.ts'
import { checkClaudeAccount } from './account-check.ts'
import { CLAUDE_BACKEND, resolveClaudeCommand } from './command.ts'
import { CLI_SYNC_TTL_MS, ClaudeCliLoginReader } from './credentials.ts'
import { linkedAccount } from './routing.ts'
import { type ClaudeCredential, type ClaudePrintRun, spawnClaudePrint } from './spawn-print.ts'

export { linkedAccount }

type Env = Readonly<Record<string, string | undefined>>

export interface ClaudeCliBackendOptions {
  config: OpenclawConfig | (() => OpenclawConfig)
  env: Env
  clock?: () => number
  ttlMs?: number
  /** Extra env names passed to claude (besides cliBackends.claude-cli.passEnv). */
  passEnv?: string[]
}

export interface ClaudeCliRequest {
  prompt: string
  model?: string
  credential: ClaudeCredential
  args?: string[]
  signal?: AbortLike
  timeoutMs?: number
  cwd?: string
}

export interface ClaudeCliBackend {
  /** Validates everything that can be known before spawning, then spawns. */
  start(req: ClaudeCliRequest): ClaudePrintRun
  /** Re-read Claude Code's login now (e.g. after a 401 from claude). */
  invalidate(): void
}

/** Maps a stored credential (and its current secret) to what the child gets. */
export function claudeCredentialFor(cred: Credential, secret: string): ClaudeCredential {
  if (cred.provider !== 'anthropic') {
    throw new OpenclawError(
      'invalid_credential',
      `A ${cred.provider} credential cannot be used with the claude-cli backend.`,
    )
  }
  return cred.type === 'api_key' ? { kind: 'api_key', secret } : { kind: 'token', secret }
}

export function createClaudeCliBackend(opts: ClaudeCliBackendOptions): ClaudeCliBackend {
  const cfg = () => (typeof opts.config === 'function' ? opts.config() : opts.config)
  const reader = new ClaudeCliLoginReader(opts.env, opts.clock ?? Date.now, opts.ttlMs ?? CLI_SYNC_TTL_MS)
  return {
    start(req) {
      const config = cfg()
      const command = resolveClaudeCommand(config, opts.env)
      if (req.credential.kind === 'cli') {
        const problem = checkClaudeAccount(reader.get(), linkedAccount(config))
        if (problem) throw problem
      }
      const fromConfig = config.agents?.defaults?.cliBackends?.[CLAUDE_BACKEND]?.passEnv
      return spawnClaudePrint({
        command,
        prompt: req.prompt,
        credential: req.credential,
        env: opts.env,
        passEnv: [
          ...(opts.passEnv ?? []),
          ...(Array.isArray(fromConfig) ? fromConfig.filter((x): x is string => typeof x === 'string') : []),
        ],
        ...(req.model ? { model: req.model } : {}),
        ...(req.args ? { args: req.args } : {}),
        ...(req.signal ? { signal: req.signal } : {}),
        ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}),
        ...(req.cwd ? { cwd: req.cwd } : {}),
      })
    },
    invalidate: () => reader.invalidate(),
  }
}
