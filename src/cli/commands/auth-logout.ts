/**
 * `openclaw models auth logout <profileId> [--yes] [--agent <id>]`: removes one saved profile from
 * the agent's store, from `auth.profiles` and from every `auth.order` list (an order list that
 * would become empty is deleted, because an authored empty order disables the provider).
 * This is local only: the provider keeps honouring the key until it is revoked there.
 */
import { parseProfileId } from '../../auth/profile-id.ts'
import { scrubProfileFromConfig } from '../../config/auth-config-edit.ts'
import { updateConfig } from '../../config/write.ts'
import { EXIT, OpenclawError } from '../../errors.ts'
import { AgentRuntime } from '../../runtime/agent-runtime.ts'
import { confirm } from '../confirm.ts'
import { type CommandContext, err, out, printJson } from '../context.ts'
import { boolOpt, stringOpt } from '../parse-args.ts'

export async function run(ctx: CommandContext): Promise<number> {
  const profileId = ctx.parsed.positionals[0]!
  parseProfileId(profileId)
  const runtime = AgentRuntime.open({ env: ctx.env, cwd: ctx.cwd, agentFlag: stringOpt(ctx.parsed, 'agent') })
  try {
    for (const line of runtime.diagnostics()) err(ctx, line)
    const agentId = runtime.paths.agentId
    if (!runtime.store().getProfile(profileId)) {
      const owner = runtime.ownerOf(profileId)
      throw new OpenclawError(
        'profile_not_found',
        `Auth profile "${profileId}" not found in ${runtime.paths.agentDir}`,
        {
          hint: owner
            ? `It is inherited from agent ${owner}; remove it there: openclaw models auth logout ${profileId} --agent ${owner}`
            : `List profiles with: openclaw models auth list --agent ${agentId}`,
        },
      )
    }
    if (!boolOpt(ctx.parsed, 'yes')) {
      const ok = await confirm(ctx, `Remove auth profile ${profileId} from agent ${agentId}? [y/N] `)
      if (!ok) throw new OpenclawError('cancelled', 'Nothing removed.')
    }
    // Config first: if the config cannot be written, the credential is still there and the
    // command can simply be re-run.
    let orderLists: string[] = []
    updateConfig(runtime.paths.configPath, ctx.env, (raw) => {
      orderLists = scrubProfileFromConfig(raw, profileId)
    })
    runtime.writableStore().deleteProfile(profileId)
    const result = {
      agentId,
      removedProfile: profileId,
      removedFromOrder: orderLists,
      revokedAtProvider: false,
    }
    if (boolOpt(ctx.parsed, 'json')) printJson(ctx, result)
    else {
      out(ctx, `Removed ${profileId} from agent ${agentId}.`)
      out(
        ctx,
        'This removal is local: the provider still accepts the credential until you revoke it in its dashboard.',
      )
    }
    return EXIT.ok
  } finally {
    runtime.close()
  }
}
