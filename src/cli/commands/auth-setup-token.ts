/**
 * `openclaw models auth setup-token --provider anthropic [--profile-id <id>] [--expires-in <d>]
 * [--yes] [--agent <id>]`: runs `claude setup-token` (from PATH or
 * `agents.defaults.cliBackends.claude-cli.command`) in this terminal, takes the token it prints,
 * checks its `sk-ant-oat01-` shape and stores it as a `token` profile under `anthropic:default`
 * (a provider-owned flow's own default, auth-spec 1.3) with an expiry: `--expires-in`, else the
 * lifetime claude states, else one year (no refresh: setup-tokens are long-lived). `claude setup-token` is interactive, so this needs a TTY; without one it says
 * how to paste a token made elsewhere instead.
 */
import { parseDuration } from '../../auth/duration.ts'
import { formatRemaining } from '../../auth/health.ts'
import { normalizeProviderId, parseProfileId, validateProviderId } from '../../auth/profile-id.ts'
import { saveProfileThenConfig } from '../../auth/save-profile.ts'
import type { TokenCredential } from '../../auth/types.ts'
import { resolveClaudeCommand } from '../../claude-cli/command.ts'
import { runClaudeSetupToken } from '../../claude-cli/run-setup-token.ts'
import { SETUP_TOKEN_DEFAULT_TTL_MS, SETUP_TOKEN_RE } from '../../claude-cli/setup-token-output.ts'
import { EXIT, OpenclawError } from '../../errors.ts'
import { recordProfile } from '../../oauth/profile-config.ts'
import { AgentRuntime } from '../../runtime/agent-runtime.ts'
import { confirm } from '../confirm.ts'
import { type CommandContext, err, out } from '../context.ts'
import { boolOpt, stringOpt } from '../parse-args.ts'

const PASTE = `printf '%s\\n' "$TOKEN" | openclaw models auth paste-token --provider anthropic`

export async function run(ctx: CommandContext): Promise<number> {
  const provider = validateProviderId(normalizeProviderId(stringOpt(ctx.parsed, 'provider') ?? 'anthropic'))
  if (provider !== 'anthropic') {
    throw new OpenclawError('usage', `setup-token is only available for anthropic, not ${provider}.`, {
      hint: `Paste a token instead: openclaw models auth paste-token --provider ${provider}`,
    })
  }
  if (!ctx.io.stdin.isTTY) {
    throw new OpenclawError(
      'not_a_tty',
      '`claude setup-token` needs an interactive terminal, and stdin is not one.',
      {
        hint: `Run this in a terminal, or create the token with \`claude setup-token\` on any machine and paste it:\n  ${PASTE}`,
      },
    )
  }
  const profileId = stringOpt(ctx.parsed, 'profile-id') ?? 'anthropic:default'
  if (normalizeProviderId(parseProfileId(profileId).provider) !== provider) {
    throw new OpenclawError(
      'profile_provider_mismatch',
      `Auth profile "${profileId}" is not an anthropic profile.`,
    )
  }
  const expiresIn = stringOpt(ctx.parsed, 'expires-in')
  const ttlMs = expiresIn === undefined ? undefined : parseDuration(expiresIn)
  const runtime = AgentRuntime.open({ env: ctx.env, cwd: ctx.cwd, agentFlag: stringOpt(ctx.parsed, 'agent') })
  try {
    for (const line of runtime.diagnostics()) err(ctx, line)
    const command = resolveClaudeCommand(runtime.config, ctx.env)
    const store = runtime.writableStore()
    if (store.getProfile(profileId) && !boolOpt(ctx.parsed, 'yes')) {
      if (!(await confirm(ctx, `Replace the saved ${profileId}? [y/N] `))) {
        throw new OpenclawError('cancelled', 'Nothing changed.')
      }
    }
    err(
      ctx,
      `Running \`${command} setup-token\`; follow its instructions (the token it prints is hidden here).`,
    )
    const r = await runClaudeSetupToken({
      command,
      env: ctx.env,
      echo: (s) => ctx.io.stderr.write(s),
      interrupted: ctx.interrupted,
    })
    if (!r.token) {
      throw new OpenclawError(
        'invalid_credential',
        `\`claude setup-token\` ${r.code === 0 ? 'finished' : `exited with ${r.code ?? r.signal}`} without printing a token.`,
        { hint: `Run \`claude setup-token\` yourself and paste its token:\n  ${PASTE}` },
      )
    }
    if (!SETUP_TOKEN_RE.test(r.token)) {
      throw new OpenclawError(
        'invalid_credential',
        'The token `claude setup-token` printed does not have the sk-ant-oat01- shape.',
        {
          hint: `Paste it by hand if it is right: ${PASTE}`,
        },
      )
    }
    // An expiry is always recorded, so `--check` warns a day before the token dies: the flag,
    // else the lifetime claude printed, else the documented one year.
    const lifetime = ttlMs ?? r.validForMs ?? SETUP_TOKEN_DEFAULT_TTL_MS
    const from =
      ttlMs !== undefined ? '--expires-in' : r.validForMs !== undefined ? 'as claude stated' : 'default'
    const credential: TokenCredential = {
      type: 'token',
      provider,
      token: r.token,
      expires: ctx.clock() + lifetime,
    }
    saveProfileThenConfig(
      store,
      profileId,
      () => store.upsertProfile(profileId, credential),
      () => recordProfile(runtime.paths.configPath, ctx.env, profileId, { provider, mode: 'token' }),
    )
    out(
      ctx,
      `Saved ${profileId} (token, from claude setup-token, expires in ${formatRemaining(lifetime)} ${from}) to ${store.path}`,
    )
    out(ctx, 'Check it with: openclaw models status')
    return EXIT.ok
  } finally {
    runtime.close()
  }
}
