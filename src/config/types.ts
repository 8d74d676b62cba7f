/**
 * Shape of `openclaw.json` after validation. The validator (`schema.ts`) is the source of
 * truth for what is accepted; these types describe what code may rely on afterwards.
 * No secret is ever written into this file by our commands (secrets live in SQLite).
 */
import type { ProfileMode, SecretRef } from '../auth/types.ts'

export type ProviderApi = 'anthropic-messages' | 'openai-completions' | 'google-generative-ai'

/** A string secret input: literal, `${VAR}`-substituted at load, or a SecretRef object. */
export type SecretInput = string | SecretRef

export interface ProviderModelConfig {
  id: string
  name?: string
  contextWindow?: number
  maxTokens?: number
}

/** `models.providers.<id>.oauth` (DECISIONS 7a); built-in providers supply the defaults. */
export interface OAuthProviderSettings {
  authorizeUrl?: string
  tokenUrl?: string
  clientId?: string
  scopes?: string[] | string
  /** Loopback callback port (default 1455); 0 = any free port. */
  redirectPort?: number
  redirectPath?: string
  authorizeParams?: Record<string, string>
}

export interface ProviderConfig {
  baseUrl?: string
  api?: ProviderApi
  apiKey?: SecretInput
  auth?: 'api-key' | 'token' | 'oauth' | 'aws-sdk'
  headers?: Record<string, SecretInput>
  timeoutSeconds?: number
  models?: ProviderModelConfig[]
  oauth?: OAuthProviderSettings
}

export interface ModelSelection {
  primary?: string
  fallbacks?: string[]
}

export interface AgentEntry {
  id: string
  default?: boolean
  name?: string
  model?: string | ModelSelection
}

export interface AuthProfileConfig {
  provider: string
  mode: ProfileMode
  email?: string
}

/** `secrets.providers.<alias>` with `source: "env"`: reads the (layered) environment. */
export interface EnvSecretProviderConfig {
  source: 'env'
  /** Exact variable names this alias may read; absent means any. */
  allowlist?: string[]
}

/** `source: "file"`: one JSON document (pointer ids) or one raw value (`singleValue`, id `value`). */
export interface FileSecretProviderConfig {
  source: 'file'
  path: string
  mode?: 'json' | 'singleValue'
  timeoutMs?: number
  maxBytes?: number
}

/** `source: "exec"`: a program spoken to over stdin/stdout JSON (docs/secrets.md). */
export interface ExecSecretProviderConfig {
  source: 'exec'
  command: string
  args?: string[]
  /** Names copied from our environment into the child's otherwise empty one. */
  passEnv?: string[]
  env?: Record<string, string>
  trustedDirs?: string[]
  timeoutMs?: number
  noOutputTimeoutMs?: number
  maxOutputBytes?: number
}

export type SecretProviderConfig =
  | EnvSecretProviderConfig
  | FileSecretProviderConfig
  | ExecSecretProviderConfig

export interface GatewayClientConfig {
  name: string
  token: SecretInput
  scopes: Array<'chat' | 'read' | 'admin'>
}

export interface GatewayAuthConfig {
  mode?: 'none' | 'token' | 'password' | 'trusted-proxy'
  token?: SecretInput
  password?: SecretInput
  /** scrypt hash written by `openclaw gateway set-password` (src/gateway/auth/password-hash.ts). */
  passwordHash?: string
  clients?: GatewayClientConfig[]
  [key: string]: unknown
}

export interface GatewayTlsConfig {
  enabled?: boolean
  autoGenerate?: boolean
  certPath?: string
  keyPath?: string
  caPath?: string
  clientAuth?: 'none' | 'require'
  /** Certificate the local CLI presents to a gateway that requires client certificates. */
  cliCertPath?: string
  cliKeyPath?: string
}

export interface OpenclawConfig {
  agents?: {
    defaults?: {
      model?: string | ModelSelection
      /** Per-model settings keyed by `provider/model`; `alias` gives a short name. */
      models?: Record<string, { alias?: string; [key: string]: unknown }>
      cliBackends?: Record<string, { command?: string; [key: string]: unknown }>
      [key: string]: unknown
    }
    list?: AgentEntry[]
  }
  auth?: {
    profiles?: Record<string, AuthProfileConfig>
    order?: Record<string, string[]>
  }
  models?: {
    providers?: Record<string, ProviderConfig>
  }
  env?: {
    vars?: Record<string, string>
    shellEnv?: { enabled?: boolean; timeoutMs?: number }
  }
  secrets?: {
    providers?: Record<string, SecretProviderConfig>
    defaults?: { env?: string; file?: string; exec?: string }
  }
  gateway?: {
    port?: number
    bind?: string
    auth?: GatewayAuthConfig
    tls?: GatewayTlsConfig
    [key: string]: unknown
  }
  [key: string]: unknown
}
