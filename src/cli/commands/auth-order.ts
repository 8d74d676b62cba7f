/**
 * `openclaw models auth order get|set|clear --provider <p> [--agent <id>] [--json]`.
 * The override lives in the agent's own store and wins over config `auth.order` (it locks
 * rotation to exactly the listed profiles). Ids may be the agent's own or read through from
 * the default agent. `clear` without --provider clears every override of the agent.
 */
import { normalizeProviderId, parseProfileId, validateProviderId } from '../../auth/profile-id.ts'
import { EXIT, OpenclawError } from '../../errors.ts'
import { AgentRuntime } from '../../runtime/agent-runtime.ts'
import { type CommandContext, err, out, printJson } from '../context.ts'
import { boolOpt, stringOpt } from '../parse-args.ts'

export async function run(ctx: CommandContext): Promise<number> {
  const action = ctx.parsed.command.path.at(-1) as 'get' | 'set' | 'clear'
  const providerFlag = stringOpt(ctx.parsed, 'provider')
  if (!providerFlag && action !== 'clear') {
    throw new OpenclawError('usage', 'Missing --provider <id>.', {
      hint: 'See which providers have profiles with: openclaw models auth list',
    })
  }
  const provider =
    providerFlag === undefined ? undefined : validateProviderId(normalizeProviderId(providerFlag))
  const runtime = AgentRuntime.open({ env: ctx.env, cwd: ctx.cwd, agentFlag: stringOpt(ctx.parsed, 'agent') })
  try {
    for (const line of runtime.diagnostics()) err(ctx, line)
    const json = boolOpt(ctx.parsed, 'json')
    const base = {
      agentId: runtime.paths.agentId,
      agentDir: runtime.paths.agentDir,
      authStatePath: runtime.paths.storePath,
    }
    if (action === 'clear') {
      const store = runtime.writableStore()
      const providers = provider ? [provider] : Object.keys(store.snapshot().orderOverrides)
      const cleared = providers.filter((p) => store.clearOrderOverride(p))
      if (json) printJson(ctx, { ...base, provider: provider ?? null, cleared })
      else if (cleared.length === 0)
        out(ctx, `No order override to clear for agent ${base.agentId}${provider ? ` (${provider})` : ''}.`)
      else out(ctx, `Cleared order override for ${cleared.join(', ')} (agent ${base.agentId}).`)
      return EXIT.ok
    }
    const p = provider!
    if (action === 'set') {
      const ids = dedupe(ctx.parsed.positionals)
      if (ids.length === 0) {
        throw new OpenclawError('usage', 'No profile ids given.', {
          hint: `List ${p} profiles with: openclaw models auth list --provider ${p}`,
        })
      }
      const view = runtime.view()
      for (const id of ids) {
        parseProfileId(id)
        const profile = view.profiles.find((x) => x.id === id)
        if (!profile) {
          throw new OpenclawError(
            'profile_not_found',
            `Auth profile "${id}" not found in ${runtime.paths.agentDir}`,
            {
              hint: `List ${p} profiles with: openclaw models auth list --provider ${p}${ctxAgent(runtime)}`,
            },
          )
        }
        const actual = normalizeProviderId(profile.credential.provider)
        if (actual !== p) {
          throw new OpenclawError(
            'profile_provider_mismatch',
            `Auth profile "${id}" is for ${actual}, not ${p}.`,
          )
        }
      }
      runtime.writableStore().setOrderOverride(p, ids)
    }
    const order = runtime.store().getOrderOverride(p) ?? null
    if (json) printJson(ctx, { ...base, provider: p, order })
    else {
      out(ctx, `Agent: ${base.agentId}`)
      out(ctx, `Provider: ${p}`)
      out(ctx, `Auth state: ${base.authStatePath}`)
      out(ctx, `Order override: ${order?.length ? order.join(', ') : '(none)'}`)
    }
    return EXIT.ok
  } finally {
    runtime.close()
  }
}

function dedupe(ids: readonly string[]): string[] {
  return [
    ...new Set(
      ids
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ]
}

function ctxAgent(runtime: AgentRuntime): string {
  return runtime.paths.agentSource === 'flag' ? ` --agent ${runtime.paths.agentId}` : ''
}
