/**
 * `openclaw models auth clear-cooldown <profileId> [--agent <id>] [--json]`: clears every
 * cooldown (all models) and the disabled lane of one profile in the store that owns it.
 * A running gateway picks the change up from the store (it watches data_version).
 */
import { parseProfileId } from '../../auth/profile-id.ts'
import { EXIT, OpenclawError } from '../../errors.ts'
import { AgentRuntime } from '../../runtime/agent-runtime.ts'
import { type CommandContext, err, out, printJson } from '../context.ts'
import { boolOpt, stringOpt } from '../parse-args.ts'

export async function run(ctx: CommandContext): Promise<number> {
  const profileId = ctx.parsed.positionals[0]!
  parseProfileId(profileId)
  const runtime = AgentRuntime.open({ env: ctx.env, cwd: ctx.cwd, agentFlag: stringOpt(ctx.parsed, 'agent') })
  try {
    for (const line of runtime.diagnostics()) err(ctx, line)
    const owner = runtime.ownerOf(profileId)
    if (!owner) {
      throw new OpenclawError(
        'profile_not_found',
        `Auth profile "${profileId}" not found in ${runtime.paths.agentDir}`,
        {
          hint: 'List profiles with: openclaw models auth list',
        },
      )
    }
    const result = runtime.writableStore(owner).clearCooldowns(profileId)
    const nothing = result.clearedCooldowns === 0 && !result.clearedDisabled
    if (boolOpt(ctx.parsed, 'json')) printJson(ctx, { profileId, agentId: owner, ...result })
    else if (nothing) out(ctx, `${profileId} has no cooldown or disable stored; nothing to clear.`)
    else {
      const parts = [
        result.clearedCooldowns
          ? `${result.clearedCooldowns} cooldown${result.clearedCooldowns === 1 ? '' : 's'}`
          : '',
        result.clearedDisabled ? 'the disable' : '',
      ].filter(Boolean)
      out(ctx, `Cleared ${parts.join(' and ')} of ${profileId}.`)
    }
    return EXIT.ok
  } finally {
    runtime.close()
  }
}
