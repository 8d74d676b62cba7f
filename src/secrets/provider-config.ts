/**
 * Which configured provider answers a ref (auth-spec 1.9 "alias resolution"): an explicit
 * `secrets.providers.<alias>` of the same source wins; the env source's default alias falls
 * back to the built-in env provider; every other alias must exist. Also the numeric defaults.
 */
import type { SecretRef } from '../auth/types.ts'
import type {
  EnvSecretProviderConfig,
  ExecSecretProviderConfig,
  FileSecretProviderConfig,
  OpenclawConfig,
  SecretProviderConfig,
} from '../config/types.ts'
import { DEFAULT_ALIAS } from './ref.ts'

export const DEFAULT_TIMEOUT_MS = 5000
export const DEFAULT_MAX_BYTES = 1024 * 1024
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024

export type ProviderLookup =
  | { ok: true; alias: string; config: SecretProviderConfig; builtin: boolean }
  | { ok: false; message: string }

export function lookupProvider(config: OpenclawConfig, ref: SecretRef): ProviderLookup {
  const alias = ref.provider
  const providers = config.secrets?.providers ?? {}
  const entry = Object.hasOwn(providers, alias) ? providers[alias] : undefined
  if (entry) {
    if (entry.source !== ref.source) {
      return {
        ok: false,
        message: `secrets.providers.${alias} is ${entry.source === 'file' ? 'a' : 'an'} ${entry.source} provider, but the ref's source is ${ref.source}`,
      }
    }
    return { ok: true, alias, config: entry, builtin: false }
  }
  const envDefault = config.secrets?.defaults?.env ?? DEFAULT_ALIAS
  if (ref.source === 'env' && (alias === DEFAULT_ALIAS || alias === envDefault)) {
    return { ok: true, alias, config: { source: 'env' }, builtin: true }
  }
  return {
    ok: false,
    message: `no ${ref.source} secret provider "${alias}" is configured (add secrets.providers.${alias} to openclaw.json)`,
  }
}

export function fileSettings(c: FileSecretProviderConfig) {
  return {
    path: c.path,
    mode: c.mode ?? 'json',
    timeoutMs: c.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxBytes: c.maxBytes ?? DEFAULT_MAX_BYTES,
  }
}

export function execSettings(c: ExecSecretProviderConfig) {
  const timeoutMs = c.timeoutMs ?? DEFAULT_TIMEOUT_MS
  return {
    command: c.command,
    args: c.args ?? [],
    passEnv: c.passEnv ?? [],
    env: c.env ?? {},
    trustedDirs: c.trustedDirs,
    timeoutMs,
    noOutputTimeoutMs: c.noOutputTimeoutMs ?? timeoutMs,
    maxOutputBytes: c.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
  }
}

export type FileSettings = ReturnType<typeof fileSettings>
export type ExecSettings = ReturnType<typeof execSettings>
export type { EnvSecretProviderConfig }
