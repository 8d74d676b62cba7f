/**
 * What `openclaw models auth clear-cooldown` was asked to clear. Pure parsing; the command
 * resolves names against the store and the environment.
 *
 *   <provider>:<name>                 a profile
 *   env:<VAR>[<n>] | env:<VAR>        an env key as status and the gateway name it
 *                                     (`env:ANTHROPIC_API_KEYS[1]`); without [n] every key of VAR
 *   models.providers.<p>.apiKey       the config key
 *   env:<p>:<VAR>#<fp> | config:...   a stored key id as `models status --json` prints it
 *   --provider <p> --env              every stored env / config key state of provider p
 */
import { OpenclawError } from '../errors.ts'
import { parseKeyStateId } from './key-state-id.ts'
import { isValidProfileId, normalizeProviderId, parseProfileId, validateProviderId } from './profile-id.ts'

export type ClearTarget =
  | { kind: 'profile'; profileId: string }
  /** `env:VAR[n]` also parses as a profile id of provider "env" when it has no `[n]`. */
  | { kind: 'env-key'; varName: string; index: number | undefined; alsoProfileId: boolean }
  | { kind: 'config-key'; provider: string }
  | { kind: 'key-id'; id: string }
  | { kind: 'provider-keys'; provider: string }

const ENV_NAME_RE = /^env:\s*([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d{1,4})\])?$/
const CONFIG_NAME_RE = /^models\.providers\.([^.\s]+)\.apiKey$/

export function parseClearTarget(
  arg: string | undefined,
  opts: { provider?: string | undefined; env: boolean },
): ClearTarget {
  if (opts.env) {
    if (arg !== undefined)
      throw usage(
        `Give either a key or --provider <id> --env, not both (got ${JSON.stringify(arg.slice(0, 60))}).`,
      )
    if (opts.provider === undefined)
      throw usage('--env needs --provider <id> (e.g. --provider anthropic --env).')
    return { kind: 'provider-keys', provider: validateProviderId(normalizeProviderId(opts.provider)) }
  }
  if (arg === undefined)
    throw usage(
      'Missing argument <target>: a profile id, an env key such as env:ANTHROPIC_API_KEYS[1], or --provider <id> --env.',
    )
  if (parseKeyStateId(arg)) return { kind: 'key-id', id: arg }
  const env = ENV_NAME_RE.exec(arg)
  if (env) {
    return {
      kind: 'env-key',
      varName: env[1]!,
      index: env[2] === undefined ? undefined : Number(env[2]),
      alsoProfileId: isValidProfileId(arg),
    }
  }
  const cfg = CONFIG_NAME_RE.exec(arg)
  if (cfg) return { kind: 'config-key', provider: validateProviderId(normalizeProviderId(cfg[1]!)) }
  try {
    parseProfileId(arg)
  } catch (err) {
    if (OpenclawError.isInstance(err)) {
      throw new OpenclawError(err.code, err.message, {
        hint: 'Env keys are named as models status prints them, e.g. env:ANTHROPIC_API_KEYS[1]; the config key as models.providers.<id>.apiKey.',
        ...(err.details ? { details: err.details } : {}),
      })
    }
    throw err
  }
  return { kind: 'profile', profileId: arg }
}

function usage(message: string): OpenclawError {
  return new OpenclawError('usage', message, {
    hint: 'Usage: openclaw models auth clear-cooldown <profileId | env:<VAR>[<n>] | models.providers.<id>.apiKey> | --provider <id> --env',
  })
}
