/**
 * The interactive `openclaw onboard` (a real terminal; @clack/prompts). Shows what is already
 * there (default model, provider env keys), asks for one credential, verifies it with a real
 * request, offers another try on failure (never saving a failed one), and ends with the
 * commands to check status.
 */
import { agentModelSelection } from '../auth/model-ref.ts'
import { normalizeProviderId, validateProviderId } from '../auth/profile-id.ts'
import { normalizeSecretInput } from '../auth/secret-input.ts'
import type { CommandContext } from '../cli/context.ts'
import { stringOpt } from '../cli/parse-args.ts'
import { EXIT, OpenclawError } from '../errors.ts'
import { AgentRuntime } from '../runtime/agent-runtime.ts'
import { maskSecret } from '../util/mask.ts'
import { AUTH_CHOICES, apiKeyEnvVar, findChoice } from './choices.ts'
import { summaryLines, verifyAndSave } from './flow.ts'

const MAX_ATTEMPTS = 3

export async function runWizard(ctx: CommandContext): Promise<number> {
  // Imported here: @clack/prompts is an ES module only, and the CLI bundle is CommonJS, which
  // can load it with import() but not require().
  const p = await import('@clack/prompts')
  const io = { input: ctx.io.stdin as NodeJS.ReadStream, output: ctx.io.stdout as NodeJS.WriteStream }
  const ask = async <T>(v: Promise<T>): Promise<Exclude<T, symbol>> => {
    const r = await v
    if (p.isCancel(r)) {
      p.cancel('Cancelled. Nothing was saved.', io)
      throw new OpenclawError('cancelled', 'Onboarding cancelled.')
    }
    return r as Exclude<T, symbol>
  }
  p.intro('openclaw onboard', io)
  const runtime = AgentRuntime.open({ env: ctx.env, cwd: ctx.cwd, agentFlag: stringOpt(ctx.parsed, 'agent') })
  try {
    const primary = agentModelSelection(runtime.config, runtime.paths.agentId).primary
    const found = AUTH_CHOICES.filter(
      (c) => c.kind === 'api_key' && c.provider && runtime.env.values[apiKeyEnvVar(c.provider)],
    )
    p.note(
      [
        `Config:        ${runtime.paths.configPath}`,
        `Agent:         ${runtime.paths.agentId}`,
        `Default model: ${primary ?? '(none yet)'}${primary ? ' (kept)' : ''}`,
        `Env keys:      ${found.length ? found.map((c) => apiKeyEnvVar(c.provider!)).join(', ') : '(none found)'}`,
      ].join('\n'),
      'Current setup',
      io,
    )
    const choiceId = await ask(
      p.select({
        ...io,
        message: 'Which credential do you want to add?',
        options: AUTH_CHOICES.map((c) => ({
          value: c.id,
          label: c.label,
          ...(c.hint ? { hint: c.hint } : {}),
        })),
        initialValue: 'anthropic-api-key',
      }),
    )
    const choice = findChoice(choiceId)
    if (choice.kind === 'oauth' || choice.kind === 'cli') {
      runtime.close()
      p.log.info(
        choice.kind === 'oauth'
          ? 'Starting the browser sign-in...'
          : "Linking this host's Claude Code login...",
        io,
      )
      if (choice.kind === 'cli') {
        const { linkClaudeCli } = await import('../claude-cli/link.ts')
        return linkClaudeCli(ctx)
      }
      const { COMMANDS } = await import('../cli/command-table.ts')
      const login = COMMANDS.find((c) => c.path.join(' ') === 'models auth login')!
      const mod = await login.load()
      return mod.run({
        ...ctx,
        parsed: { command: login, values: { provider: choice.provider! }, positionals: [] },
      })
    }
    const provider = validateProviderId(
      normalizeProviderId(
        choice.provider ??
          (await ask(
            p.text({
              ...io,
              message: 'Provider id of the token',
              placeholder: 'anthropic',
              defaultValue: 'anthropic',
            }),
          )),
      ),
    )
    const kind = choice.kind === 'token' ? ('token' as const) : ('api_key' as const)
    const envVar =
      kind === 'api_key' ? apiKeyEnvVar(provider) : `${provider.toUpperCase().replace(/[-.]/g, '_')}_TOKEN`
    const label = kind === 'api_key' ? `${provider} API key` : `${provider} token`
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const fromEnv = kind === 'api_key' ? runtime.env.values[envVar] : undefined
      let secret: string
      if (
        attempt === 1 &&
        fromEnv &&
        (await ask(
          p.confirm({ ...io, message: `Use ${envVar} from the environment (${maskSecret(fromEnv)})?` }),
        ))
      ) {
        secret = fromEnv
      } else {
        secret = await ask(p.password({ ...io, message: `Paste the ${label}`, mask: '*' }))
      }
      let value: string
      try {
        value = normalizeSecretInput(secret, label)
      } catch (e) {
        p.log.error((e as Error).message, io)
        continue
      }
      const storage =
        kind === 'api_key'
          ? await ask(
              p.select({
                ...io,
                message: 'Where should the key be kept?',
                options: [
                  { value: 'store' as const, label: 'openclaw credential store', hint: 'recommended' },
                  {
                    value: 'dotenv' as const,
                    label: runtime.paths.envFilePath,
                    hint: 'for a systemd/launchd gateway',
                  },
                ],
              }),
            )
          : ('store' as const)
      const spin = p.spinner(io)
      spin.start('Verifying with a test request')
      try {
        const result = await verifyAndSave(runtime, ctx.env, {
          provider,
          kind,
          secret: value,
          profileId: `${provider}:${kind === 'api_key' ? 'default' : 'manual'}`,
          secretInputMode: 'plaintext',
          keyStorage: storage,
          envVar,
        })
        spin.stop('Verified and saved')
        p.note(summaryLines(result).join('\n'), 'Done', io)
        p.outro('Check it any time with: openclaw models status --check', io)
        return EXIT.ok
      } catch (e) {
        spin.error('Verification failed')
        if (!OpenclawError.isInstance(e)) throw e
        p.log.error(e.message, io)
        if (e.hint) p.log.info(e.hint, io)
        if (
          attempt === MAX_ATTEMPTS ||
          !(await ask(p.confirm({ ...io, message: 'Try again with another credential?' })))
        ) {
          p.outro('Nothing was saved.', io)
          return EXIT.failure
        }
      }
    }
    return EXIT.failure
  } finally {
    runtime.close()
  }
}
