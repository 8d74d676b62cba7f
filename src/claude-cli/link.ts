/**
 * `openclaw models auth login --provider anthropic --method cli`: reuse the host's Claude Code
 * login. Nothing is copied: we check `claude` is reachable and logged in, and record which
 * account it is (`agents.defaults.cliBackends.claude-cli.account`) so a later re-login into
 * another account is caught before any request runs as that account.
 */

import type { CommandContext } from '../cli/context.ts'
import { out } from '../cli/context.ts'
import { stringOpt } from '../cli/parse-args.ts'
import { updateConfig } from '../config/write.ts'
import { EXIT } from '../errors.ts'
import { objectAt } from '../oauth/profile-config.ts'
import { AgentRuntime } from '../runtime/agent-runtime.ts'
import { checkClaudeAccount } from './account-check.ts'
import { CLAUDE_BACKEND, resolveClaudeCommand } from './command.ts'
import { readClaudeCliLogin } from './credentials.ts'

export async function linkClaudeCli(ctx: CommandContext): Promise<number> {
  const runtime = AgentRuntime.open({ env: ctx.env, cwd: ctx.cwd, agentFlag: stringOpt(ctx.parsed, 'agent') })
  try {
    const command = resolveClaudeCommand(runtime.config, ctx.env)
    const login = readClaudeCliLogin(ctx.env, ctx.clock())
    const problem = checkClaudeAccount(login, undefined)
    if (problem) throw problem
    const account = login.account ?? {}
    updateConfig(runtime.paths.configPath, ctx.env, (raw) => {
      const backends = objectAt(objectAt(objectAt(raw, 'agents'), 'defaults'), 'cliBackends')
      const entry = objectAt(backends, CLAUDE_BACKEND)
      entry.account = {
        ...(account.email ? { email: account.email } : {}),
        ...(account.accountUuid ? { accountUuid: account.accountUuid } : {}),
      }
    })
    const who = account.email ?? account.accountUuid ?? 'an account without a recorded email'
    out(
      ctx,
      `Linked the Claude Code login on this host (${who}) to the claude-cli backend; no token was copied.`,
    )
    out(
      ctx,
      `Requests routed to claude-cli run \`${command} -p\` and are refused if claude is later logged into another account.`,
    )
    return EXIT.ok
  } finally {
    runtime.close()
  }
}
