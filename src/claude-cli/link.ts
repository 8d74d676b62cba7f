/**
 * `openclaw models auth login --provider anthropic --method cli`: reuse the host's Claude Code
 * login. Nothing is copied: we check `claude` is reachable and logged in, and record which
 * account it is (`agents.defaults.cliBackends.claude-cli.account`) so a later re-login into
 * another account is caught before any request runs as that account.
 */

import { parseModelRef } from '../auth/model-ref.ts'
import type { CommandContext } from '../cli/context.ts'
import { out } from '../cli/context.ts'
import { boolOpt, stringOpt } from '../cli/parse-args.ts'
import { objectAt } from '../config/object-at.ts'
import { updateConfig } from '../config/write.ts'
import { EXIT, OpenclawError } from '../errors.ts'
import { setDefaultModel } from '../oauth/profile-config.ts'
import { RECOMMENDED_MODEL } from '../onboard/choices.ts'
import { AgentRuntime } from '../runtime/agent-runtime.ts'
import { checkClaudeAccount } from './account-check.ts'
import { CLAUDE_BACKEND, resolveClaudeCommand } from './command.ts'
import { readClaudeCliLogin } from './credentials.ts'
import { CLAUDE_CLI_RUNTIME, claudeCliRoutedModels, routingKey } from './routing.ts'

export async function linkClaudeCli(ctx: CommandContext): Promise<number> {
  const runtime = AgentRuntime.open({ env: ctx.env, cwd: ctx.cwd, agentFlag: stringOpt(ctx.parsed, 'agent') })
  try {
    const route = modelToRoute(ctx, runtime)
    const setDefault = boolOpt(ctx.parsed, 'set-default')
    const command = resolveClaudeCommand(runtime.config, ctx.env)
    const login = readClaudeCliLogin(ctx.env, ctx.clock())
    const problem = checkClaudeAccount(login, undefined)
    if (problem) throw problem
    const account = login.account ?? {}
    // One write: the link, the route and the default change together or not at all.
    updateConfig(runtime.paths.configPath, ctx.env, (raw) => {
      const defaults = objectAt(objectAt(raw, 'agents'), 'defaults')
      const entry = objectAt(objectAt(defaults, 'cliBackends'), CLAUDE_BACKEND)
      entry.account = {
        ...(account.email ? { email: account.email } : {}),
        ...(account.accountUuid ? { accountUuid: account.accountUuid } : {}),
      }
      if (route) {
        objectAt(objectAt(objectAt(defaults, 'models'), route), 'agentRuntime').id = CLAUDE_CLI_RUNTIME
        if (setDefault) setDefaultModel(raw, route, true)
      }
    })
    const who = account.email ?? account.accountUuid ?? 'an account without a recorded email'
    out(
      ctx,
      `Linked the Claude Code login on this host (${who}) to the claude-cli backend; no token was copied.`,
    )
    if (route) out(ctx, `Routed ${route} to claude-cli (${routingKey(route)} = "${CLAUDE_CLI_RUNTIME}").`)
    if (route && setDefault) out(ctx, `Default model set to ${route}.`)
    const routed = [...new Set([...claudeCliRoutedModels(runtime.config), ...(route ? [route] : [])])].sort()
    if (routed.length === 0) {
      const rec = RECOMMENDED_MODEL.anthropic
      out(ctx, 'No model is routed to claude-cli yet, so no request uses this login. Route one:')
      out(
        ctx,
        `  openclaw models auth login --provider anthropic --method cli --set-default   # ${rec}, as the default`,
      )
      out(ctx, '  openclaw models auth login --provider anthropic --method cli --model anthropic/<model>')
      out(ctx, `  or in openclaw.json: ${routingKey('anthropic/<model>')} = "${CLAUDE_CLI_RUNTIME}"`)
    } else {
      out(
        ctx,
        `Requests for ${routed.join(', ')} run \`${command} -p\` and are refused if claude is later logged into another account.`,
      )
    }
    out(ctx, 'Check it with: openclaw models status')
    return EXIT.ok
  } finally {
    runtime.close()
  }
}

/** `--model <ref>` (or, with `--set-default`, the recommended Anthropic model): what to route. */
function modelToRoute(ctx: CommandContext, runtime: AgentRuntime): string | undefined {
  const flag = stringOpt(ctx.parsed, 'model')
  const wanted = flag ?? (boolOpt(ctx.parsed, 'set-default') ? RECOMMENDED_MODEL.anthropic : undefined)
  if (wanted === undefined) return undefined
  const ref = parseModelRef(wanted, runtime.config)
  if (ref.profileId !== undefined || ref.provider !== 'anthropic') {
    throw new OpenclawError(
      'usage',
      `--model ${wanted.slice(0, 80)}: the claude-cli runtime serves Anthropic models only (anthropic/<model>, no @profile).`,
      {
        hint: 'Example: openclaw models auth login --provider anthropic --method cli --model anthropic/claude-sonnet-4-5',
      },
    )
  }
  return ref.key
}
