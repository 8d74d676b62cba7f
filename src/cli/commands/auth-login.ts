/**
 * `openclaw models auth login --provider <id> [--profile-id <id>] [--method <m>] [--force]
 * [--set-default] [--agent <id>]` (auth-spec 3.3/3.4).
 *
 * Methods: `oauth` (authorization code + PKCE against the provider's OAuth data; default for
 * providers that have it, e.g. openai), `api-key` (= paste-api-key), and for Anthropic
 * `setup-token` (runs `claude setup-token`) and `cli` (reuse the host's Claude Code login).
 * `--force` first deletes this provider's saved profiles in the agent; it revokes nothing.
 */
import { normalizeProviderId, parseProfileId, validateProviderId } from '../../auth/profile-id.ts'
import { saveProfileThenConfig } from '../../auth/save-profile.ts'
import type { OAuthCredential } from '../../auth/types.ts'
import { EXIT, OpenclawError } from '../../errors.ts'
import { browserOpener } from '../../oauth/browser.ts'
import { runAuthorizationCodeLogin } from '../../oauth/login-flow.ts'
import { recordProfile, removeProviderProfiles } from '../../oauth/profile-config.ts'
import { requireOAuthProvider, resolveOAuthProvider } from '../../oauth/provider-config.ts'
import { AgentRuntime } from '../../runtime/agent-runtime.ts'
import { COMMANDS } from '../command-table.ts'
import { type CommandContext, err, out } from '../context.ts'
import { boolOpt, stringOpt } from '../parse-args.ts'

const OAUTH_METHODS = new Set(['oauth', 'browser', 'chatgpt', 'codex'])

export async function run(ctx: CommandContext): Promise<number> {
  const providerFlag = stringOpt(ctx.parsed, 'provider')
  if (!providerFlag) {
    throw new OpenclawError('usage', 'Missing --provider <id>.', {
      hint: 'Example: openclaw models auth login --provider openai',
    })
  }
  const provider = validateProviderId(normalizeProviderId(providerFlag))
  const profileFlag = stringOpt(ctx.parsed, 'profile-id')
  if (profileFlag !== undefined && normalizeProviderId(parseProfileId(profileFlag).provider) !== provider) {
    throw new OpenclawError(
      'profile_provider_mismatch',
      `Auth profile "${profileFlag}" is not a ${provider} profile.`,
      {
        hint: `Use --profile-id ${provider}:<name>.`,
      },
    )
  }
  const agentFlag = stringOpt(ctx.parsed, 'agent')
  let method: string
  const runtime = AgentRuntime.open({ env: ctx.env, cwd: ctx.cwd, agentFlag })
  try {
    method = pickMethod(stringOpt(ctx.parsed, 'method'), provider, runtime)
    if (stringOpt(ctx.parsed, 'model') !== undefined && method !== 'cli') {
      throw new OpenclawError(
        'usage',
        '--model only applies to --method cli (it routes a model to claude-cli).',
        {
          hint: 'Example: openclaw models auth login --provider anthropic --method cli --model anthropic/claude-sonnet-4-5',
        },
      )
    }
    for (const line of runtime.diagnostics()) err(ctx, line)
    if (boolOpt(ctx.parsed, 'force')) {
      const removed = removeProviderProfiles(
        runtime.writableStore(),
        runtime.paths.configPath,
        ctx.env,
        provider,
      )
      err(
        ctx,
        removed.length
          ? `--force: removed ${removed.length} saved ${provider} profile(s) from agent ${runtime.paths.agentId}: ${removed.join(', ')}.`
          : `--force: agent ${runtime.paths.agentId} had no saved ${provider} profiles.`,
      )
      err(
        ctx,
        `This does not revoke anything at ${provider}; revoke old sessions or keys in its dashboard if needed.`,
      )
    }
  } finally {
    runtime.close()
  }
  if (method === 'api-key') return delegate(ctx, ['models', 'auth', 'paste-api-key'])
  if (method === 'setup-token') return delegate(ctx, ['models', 'auth', 'setup-token'])
  if (method === 'cli') {
    const { linkClaudeCli } = await import('../../claude-cli/link.ts')
    return linkClaudeCli(ctx)
  }
  // Reopened: --force changed the config, and the login should see the result.
  const fresh = AgentRuntime.open({ env: ctx.env, cwd: ctx.cwd, agentFlag })
  try {
    return await oauthLogin(ctx, fresh, provider, profileFlag)
  } finally {
    fresh.close()
  }
}

function pickMethod(flag: string | undefined, provider: string, runtime: AgentRuntime): string {
  const hasOAuth = resolveOAuthProvider(provider, runtime.config)?.authorizeUrl
  const m = (flag ?? (hasOAuth ? 'oauth' : 'api-key')).toLowerCase()
  if (OAUTH_METHODS.has(m)) return 'oauth'
  if (m === 'api-key' || m === 'apikey') return 'api-key'
  if ((m === 'setup-token' || m === 'cli') && provider === 'anthropic') return m
  const known = [hasOAuth ? 'oauth' : '', 'api-key', provider === 'anthropic' ? 'setup-token, cli' : '']
    .filter(Boolean)
    .join(', ')
  throw new OpenclawError('usage', `Unknown --method "${m.slice(0, 40)}" for ${provider}.`, {
    hint: `Methods for ${provider}: ${known}.`,
  })
}

/** Runs another command with this command's --provider/--profile-id/--agent. */
async function delegate(ctx: CommandContext, path: string[]): Promise<number> {
  const command = COMMANDS.find((c) => c.path.join(' ') === path.join(' '))!
  const values: Record<string, string | boolean | string[] | undefined> = {}
  for (const k of ['provider', 'profile-id', 'agent']) {
    const v = stringOpt(ctx.parsed, k)
    if (v !== undefined) values[k] = v
  }
  const mod = await command.load()
  return mod.run({ ...ctx, parsed: { command, values, positionals: [] } })
}

async function oauthLogin(
  ctx: CommandContext,
  runtime: AgentRuntime,
  provider: string,
  profileFlag: string | undefined,
): Promise<number> {
  const oauth = requireOAuthProvider(provider, runtime.config)
  const store = runtime.writableStore()
  const say = (line: string) => err(ctx, line)
  const opener = browserOpener(ctx.env, ctx.io.stdout.isTTY === true)
  const tokens = await runAuthorizationCodeLogin({
    oauth,
    stdin: ctx.io.stdin,
    say,
    interrupted: ctx.interrupted,
    now: ctx.clock,
    ...(ctx.env.OPENCLAW_OAUTH_CALLBACK_HOST ? { callbackHost: ctx.env.OPENCLAW_OAUTH_CALLBACK_HOST } : {}),
    ...(opener ? { openBrowser: opener } : {}),
    ...(loginTimeout(ctx.env) ? { timeoutMs: loginTimeout(ctx.env) } : {}),
  })
  if (!tokens.refresh) {
    say(
      `note: ${provider} returned no refresh token; this login will have to be repeated when the access token expires.`,
    )
  }
  const profileId = profileFlag ?? defaultProfileId(provider, tokens.email)
  const credential: OAuthCredential = {
    type: 'oauth',
    provider,
    access: tokens.access,
    ...(tokens.refresh ? { refresh: tokens.refresh } : {}),
    expires: tokens.expires,
    ...(tokens.accountId ? { accountId: tokens.accountId } : {}),
    ...(tokens.email ? { email: tokens.email } : {}),
    clientId: oauth.clientId,
  }
  const setDefault = boolOpt(ctx.parsed, 'set-default')
  const { defaultModelSet } = saveProfileThenConfig(
    store,
    profileId,
    // A new login replaces any re-auth verdict of the old credential.
    () =>
      store.batch(() => {
        store.upsertProfile(profileId, credential)
        store.clearOAuthRefreshMarker(profileId)
      }),
    () =>
      recordProfile(
        runtime.paths.configPath,
        ctx.env,
        profileId,
        { provider, mode: 'oauth', ...(tokens.email ? { email: tokens.email } : {}) },
        setDefault && oauth.defaultModel ? { defaultModel: oauth.defaultModel, replaceDefault: true } : {},
      ),
  )
  const who = tokens.email ? ` as ${tokens.email}` : ''
  out(ctx, `Saved ${profileId} (oauth${who}) to ${store.path}`)
  if (defaultModelSet) out(ctx, `Default model set to ${oauth.defaultModel}.`)
  else if (setDefault)
    err(ctx, `note: ${provider} has no recommended default model; the default model is unchanged.`)
  out(ctx, 'Check it with: openclaw models status')
  return EXIT.ok
}

export function defaultProfileId(provider: string, email: string | undefined): string {
  if (email) {
    const candidate = `${provider}:${email.toLowerCase()}`
    try {
      parseProfileId(candidate)
      return candidate
    } catch {
      // An email with characters a profile id cannot hold falls back to :default.
    }
  }
  return `${provider}:default`
}

function loginTimeout(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const v = Number(env.OPENCLAW_OAUTH_LOGIN_TIMEOUT_MS)
  return Number.isFinite(v) && v > 0 ? v : undefined
}
