/**
 * `openclaw onboard`: set up one model credential, verified by a real request before it is
 * saved (auth-spec 3.5). On a terminal it is a wizard (src/onboard/wizard.ts); with
 * `--non-interactive` everything comes from flags, stdin or the provider's env var:
 *
 *   printf '%s\n' "$KEY" | openclaw onboard --non-interactive --auth-choice anthropic-api-key \
 *     [--key-storage store|dotenv] [--secret-input-mode plaintext|ref]
 *   printf '%s\n' "$TOKEN" | openclaw onboard --non-interactive --auth-choice token \
 *     --token-provider anthropic [--token-profile-id <id>] [--token-expires-in 365d]
 *
 * `--api-key` / `--token` on argv work too (the spec's flags) but are visible in `ps`; a
 * warning says so.
 */
import { parseDuration } from '../../auth/duration.ts'
import { normalizeProviderId, parseProfileId, validateProviderId } from '../../auth/profile-id.ts'
import { normalizeSecretInput } from '../../auth/secret-input.ts'
import { EXIT, OpenclawError } from '../../errors.ts'
import { type AuthChoice, apiKeyEnvVar, findChoice } from '../../onboard/choices.ts'
import { summaryLines, verifyAndSave } from '../../onboard/flow.ts'
import { AgentRuntime } from '../../runtime/agent-runtime.ts'
import { type CommandContext, err, out, printJson } from '../context.ts'
import { boolOpt, stringOpt } from '../parse-args.ts'
import { readSecret } from '../read-secret.ts'

export async function run(ctx: CommandContext): Promise<number> {
  const nonInteractive = boolOpt(ctx.parsed, 'non-interactive')
  if (!nonInteractive) {
    if (!ctx.io.stdin.isTTY || !ctx.io.stdout.isTTY) {
      throw new OpenclawError('not_a_tty', 'The onboarding wizard needs a terminal.', {
        hint: `Run it in a terminal, or non-interactively:\n  printf '%s\\n' "$ANTHROPIC_API_KEY" | openclaw onboard --non-interactive --auth-choice anthropic-api-key`,
      })
    }
    const { runWizard } = await import('../../onboard/wizard.ts')
    return runWizard(ctx)
  }
  const choiceFlag = stringOpt(ctx.parsed, 'auth-choice')
  if (!choiceFlag) {
    throw new OpenclawError('usage', '--non-interactive needs --auth-choice <id>.', {
      hint: 'Example: openclaw onboard --non-interactive --auth-choice anthropic-api-key',
    })
  }
  const choice = findChoice(choiceFlag)
  if (choice.kind === 'oauth') {
    throw new OpenclawError(
      'usage',
      `--auth-choice ${choice.id} signs in through a browser and cannot run non-interactively.`,
      {
        hint: `Run: openclaw models auth login --provider ${choice.provider} (it also accepts the redirect URL pasted on stdin).`,
      },
    )
  }
  if (choice.kind === 'cli') {
    const { linkClaudeCli } = await import('../../claude-cli/link.ts')
    return linkClaudeCli(ctx)
  }
  const runtime = AgentRuntime.open({ env: ctx.env, cwd: ctx.cwd, agentFlag: stringOpt(ctx.parsed, 'agent') })
  try {
    for (const line of runtime.diagnostics()) err(ctx, line)
    const input = await resolveInputs(ctx, runtime, choice)
    const result = await verifyAndSave(runtime, ctx.env, input, {
      onVerifying: (what) => err(ctx, `Verifying with a test request to ${what}...`),
    })
    if (boolOpt(ctx.parsed, 'json')) printJson(ctx, result)
    else for (const line of summaryLines(result)) out(ctx, line)
    return EXIT.ok
  } finally {
    runtime.close()
  }
}

async function resolveInputs(ctx: CommandContext, runtime: AgentRuntime, choice: AuthChoice) {
  const kind = choice.kind === 'token' ? ('token' as const) : ('api_key' as const)
  const providerRaw = choice.provider ?? stringOpt(ctx.parsed, 'token-provider')
  if (!providerRaw) {
    throw new OpenclawError('usage', '--auth-choice token needs --token-provider <id>.', {
      hint: 'Example: --auth-choice token --token-provider anthropic',
    })
  }
  const provider = validateProviderId(normalizeProviderId(providerRaw))
  const mode = oneOf(
    stringOpt(ctx.parsed, 'secret-input-mode') ?? 'plaintext',
    ['plaintext', 'ref'],
    '--secret-input-mode',
  )
  const storage = oneOf(stringOpt(ctx.parsed, 'key-storage') ?? 'store', ['store', 'dotenv'], '--key-storage')
  if (storage === 'dotenv' && kind !== 'api_key') {
    throw new OpenclawError(
      'usage',
      '--key-storage dotenv is for API keys; tokens are kept in the credential store.',
    )
  }
  const envVar =
    kind === 'api_key' ? apiKeyEnvVar(provider) : `${apiKeyEnvVar(provider).replace(/_API_KEY$/, '')}_TOKEN`
  const flagName = kind === 'api_key' ? 'api-key' : 'token'
  const inline = stringOpt(ctx.parsed, flagName)
  if (inline !== undefined) {
    err(
      ctx,
      `warning: --${flagName} puts the secret on the command line, where \`ps\` and shell history can see it; prefer stdin.`,
    )
  }
  const fromEnv = runtime.env.values[envVar]
  let secret: string | undefined
  if (mode === 'ref' && storage === 'store') {
    // auth-spec 3.5: ref mode stores an env SecretRef, so the variable itself must hold the key.
    if (!fromEnv?.trim()) {
      throw new OpenclawError(
        'invalid_input',
        `--secret-input-mode ref stores a reference to $${envVar}, which is not set.`,
        {
          hint: `Export ${envVar} (or add it to ${runtime.paths.envFilePath}) and run onboarding again; an inline --${flagName} is not stored in ref mode.`,
        },
      )
    }
    secret = fromEnv
  } else {
    secret = inline ?? (!ctx.io.stdin.isTTY ? nonEmpty(await readSecret(ctx, '')) : undefined) ?? fromEnv
  }
  if (!secret) {
    throw new OpenclawError(
      'invalid_input',
      `No ${kind === 'api_key' ? 'API key' : 'token'} given for ${provider}.`,
      {
        hint: `Pipe it on stdin: printf '%s\\n' "$SECRET" | openclaw onboard --non-interactive --auth-choice ${choice.id}${choice.provider ? '' : ` --token-provider ${provider}`}`,
      },
    )
  }
  const profileId =
    stringOpt(ctx.parsed, 'token-profile-id') ?? `${provider}:${kind === 'api_key' ? 'default' : 'manual'}`
  if (normalizeProviderId(parseProfileId(profileId).provider) !== provider) {
    throw new OpenclawError(
      'profile_provider_mismatch',
      `Auth profile "${profileId}" is not a ${provider} profile.`,
    )
  }
  const expiresIn = stringOpt(ctx.parsed, 'token-expires-in')
  const value = normalizeSecretInput(secret, `${provider} ${kind}`)
  checkShape(provider, kind, value)
  return {
    provider,
    kind,
    secret: value,
    profileId,
    ...(expiresIn ? { expires: ctx.clock() + parseDuration(expiresIn) } : {}),
    secretInputMode: mode,
    keyStorage: storage,
    envVar,
    skipVerify: boolOpt(ctx.parsed, 'skip-verify'),
  }
}

/** The classic Anthropic mix-up (a setup-token given as an API key, or the reverse). */
export function checkShape(provider: string, kind: 'api_key' | 'token', secret: string): void {
  if (provider !== 'anthropic') return
  if (kind === 'api_key' && secret.startsWith('sk-ant-oat')) {
    throw new OpenclawError('invalid_credential', 'That looks like a Claude setup-token, not an API key.', {
      hint: 'Use --auth-choice token --token-provider anthropic (or anthropic-setup-token).',
    })
  }
  if (kind === 'token' && secret.startsWith('sk-ant-api')) {
    throw new OpenclawError(
      'invalid_credential',
      'That looks like an Anthropic API key, not a setup-token.',
      {
        hint: 'Use --auth-choice anthropic-api-key.',
      },
    )
  }
}

function oneOf<T extends string>(v: string, allowed: readonly T[], flag: string): T {
  if ((allowed as readonly string[]).includes(v)) return v as T
  throw new OpenclawError('usage', `${flag} must be one of ${allowed.join(', ')}; got "${v.slice(0, 30)}".`)
}

function nonEmpty(s: string): string | undefined {
  return s.trim() === '' ? undefined : s
}
