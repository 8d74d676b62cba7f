/**
 * Assembles what one command (or the gateway, per agent) needs: resolved paths, the validated
 * config, the layered environment, and the credential stores, then exposes them as an
 * AuthView for the pure resolution code. An agent without its own profile for a provider
 * reads through to the default agent's store; nothing is ever copied between stores.
 */
import type { AuthView } from '../auth/resolve.ts'
import { type LoadedConfig, loadConfig } from '../config/load.ts'
import {
  type AgentPaths,
  agentDirFor,
  resolveAgentPaths,
  resolveConfigPath,
  resolveDefaultAgentId,
  resolveStateDir,
  storePathFor,
} from '../config/paths.ts'
import { envKeyVarNames } from '../env/env-keys.ts'
import { type LoadedEnv, loadLayeredEnv } from '../env/load-env.ts'
import type { OpenclawError } from '../errors.ts'
import { checkMigrationGuard } from '../migrate/legacy-detect.ts'
import { configRefs, describeUse, profileRefs, type RefEntry } from '../secrets/collect-refs.ts'
import { formatRef } from '../secrets/ref.ts'
import { type RefErrorLookup, type SecretsSnapshot, viewHooks } from '../secrets/snapshot.ts'
import { CredentialStore } from '../store/credential-store.ts'
import { agentCredentialPaths, currentUid, foreignOwned, foreignOwnerMessage } from '../util/foreign-owner.ts'
import { buildAuthView } from './build-view.ts'

export interface RuntimeOptions {
  env: Readonly<Record<string, string | undefined>>
  cwd: string
  agentFlag?: string
}

const COMMON_PROVIDERS = ['anthropic', 'openai', 'openrouter', 'google']

export class AgentRuntime {
  readonly paths: AgentPaths
  readonly loaded: LoadedConfig
  readonly env: LoadedEnv
  readonly defaultAgentId: string
  private readonly opened = new Map<string, CredentialStore>()
  private secrets: SecretsSnapshot | undefined
  private refUses: RefEntry[] = []

  private constructor(paths: AgentPaths, loaded: LoadedConfig, env: LoadedEnv, defaultAgentId: string) {
    this.paths = paths
    this.loaded = loaded
    this.env = env
    this.defaultAgentId = defaultAgentId
  }

  static open(opts: RuntimeOptions): AgentRuntime {
    const stateDir = resolveStateDir(opts.env)
    const configPath = resolveConfigPath(opts.env, stateDir)
    // `${VAR}` in config may name keys that live only in <state>/.env, so the dotenv layers are
    // read first, the config is substituted against them, and then env.vars / the shell
    // import (which need the config) complete the environment.
    const fileEnv = loadLayeredEnv({ processEnv: opts.env, cwd: opts.cwd, stateDir })
    const loaded = loadConfig(configPath, fileEnv.values)
    const paths = resolveAgentPaths({
      env: opts.env,
      config: loaded.config,
      agentFlag: opts.agentFlag,
      stateDir,
      configPath,
    })
    const providers = new Set(COMMON_PROVIDERS)
    for (const p of Object.keys(loaded.config.models?.providers ?? {})) providers.add(p)
    const expectedKeys = [...providers].flatMap((p) => envKeyVarNames(p, {}))
    const shellCfg = loaded.config.env?.shellEnv
    const env = loadLayeredEnv({
      processEnv: opts.env,
      cwd: opts.cwd,
      stateDir,
      config: loaded.config,
      shell: { enabled: shellCfg?.enabled === true, timeoutMs: shellCfg?.timeoutMs ?? 15_000, expectedKeys },
    })
    return new AgentRuntime(paths, loaded, env, resolveDefaultAgentId(loaded.config))
  }

  get config() {
    return this.loaded.config
  }

  /** Diagnostics for stderr: config warnings, ignored .env entries, foreign-owned paths, refs. */
  diagnostics(): string[] {
    const lines = this.loaded.warnings.map((w) => `warning: ${w}`)
    const uid = currentUid()
    if (uid !== undefined)
      for (const f of foreignOwned(agentCredentialPaths(this.paths), uid))
        lines.push(`warning: ${foreignOwnerMessage(f, uid)}`)
    for (const i of this.env.ignored) lines.push(`warning: ignored ${i.name} from ${i.file}: ${i.reason}`)
    if (this.env.shellError) lines.push(`warning: login shell env import failed: ${this.env.shellError}`)
    for (const { ref, use } of this.refUses) {
      if (use.kind === 'profile' && this.config.auth?.profiles?.[use.profileId]?.mode === 'oauth') {
        lines.push(
          `error: ${use.profileId} is an oauth profile (auth.profiles.${use.profileId}.mode) but stores a ${use.field}; OAuth profiles cannot use SecretRefs`,
        )
        continue
      }
      const failed = this.secrets?.error(ref)
      if (failed) {
        lines.push(
          `warning: secret ref ${formatRef(ref)} used by ${describeUse(use)} is unresolved: ${failed.message}`,
        )
      }
    }
    return lines
  }

  /**
   * Activation (auth-spec 2.7): resolves every SecretRef this agent's view uses (its profiles,
   * read-through profiles, and provider apiKey/headers in config) into a snapshot that view()
   * then reports from. The secrets module loads only when a ref exists, and exec providers run
   * only when a ref names one. Call again to re-resolve (a file may have been replaced).
   */
  async activateSecrets(): Promise<SecretsSnapshot | undefined> {
    const base = this.view()
    const entries: RefEntry[] = []
    for (const p of base.profiles) entries.push(...profileRefs([p], base.owners.get(p.id) ?? base.agentId))
    entries.push(...configRefs(this.config))
    this.refUses = entries
    // A ref on an oauth-mode profile is never resolved (OAuth policy); eligibility reports
    // ineligible_profile and diagnostics() names the profile.
    const toResolve = entries.filter(
      (e) => e.use.kind !== 'profile' || this.config.auth?.profiles?.[e.use.profileId]?.mode !== 'oauth',
    )
    if (toResolve.length === 0) {
      this.secrets = undefined
      return undefined
    }
    const { resolveSecretRefs } = await import('../secrets/resolver.ts')
    this.secrets = await resolveSecretRefs(
      toResolve.map((e) => e.ref),
      { config: this.config, env: this.env.values },
    )
    return this.secrets
  }

  /** Read-through parent: the default agent's store, when this agent is not the default. */
  get parentAgentId(): string | undefined {
    return this.paths.agentId === this.defaultAgentId || this.paths.agentSource === 'env-agent-dir'
      ? undefined
      : this.defaultAgentId
  }

  /** Whose store holds env / config key state: the root of the read-through chain. */
  get keyStateAgentId(): string {
    return this.parentAgentId ?? this.paths.agentId
  }

  /** Built-in providers plus every `models.providers.<id>`, for env-key lookups. */
  providerIds(): string[] {
    return [...new Set([...COMMON_PROVIDERS, ...Object.keys(this.config.models?.providers ?? {})])]
  }

  storePathOf(agentId: string): string {
    return agentId === this.paths.agentId
      ? this.paths.storePath
      : storePathFor(agentDirFor(this.paths.stateDir, agentId))
  }

  /** Opens (once) the store of an agent. Read-only opens of a missing store create nothing. */
  store(agentId: string = this.paths.agentId, mode: 'read' | 'write' = 'read'): CredentialStore {
    // Once a writable connection exists, reads go through it too (it sees its own writes,
    // and a read-only handle opened before the file existed is only an empty placeholder).
    const writable = this.opened.get(`${agentId}\u0000write`)
    if (writable) return writable
    const key = `${agentId}\u0000${mode}`
    let s = this.opened.get(key)
    if (!s) {
      s = CredentialStore.open(this.storePathOf(agentId), { readonly: mode === 'read' })
      this.opened.set(key, s)
    }
    return s
  }

  writableStore(agentId: string = this.paths.agentId): CredentialStore {
    return this.store(agentId, 'write')
  }

  /** Which agent's store owns a visible profile id (own first, then the parent). */
  ownerOf(profileId: string): string | undefined {
    if (this.store().getProfile(profileId)) return this.paths.agentId
    const parent = this.parentAgentId
    if (parent && this.store(parent).getProfile(profileId)) return parent
    return undefined
  }

  view(): AuthView & RefErrorLookup {
    const parent = this.parentAgentId
    return {
      ...buildAuthView({
        agentId: this.paths.agentId,
        storePath: this.paths.storePath,
        own: this.store().snapshot(),
        ...(parent ? { parent: { agentId: parent, snapshot: this.store(parent).snapshot() } } : {}),
        config: this.config,
        env: this.env.values,
      }),
      ...(this.secrets ? viewHooks(this.secrets) : {}),
    }
  }

  /**
   * AUTH_PROFILE_MIGRATION_REQUIRED when this agent (or the default agent it reads through to)
   * has an empty store but legacy credential files: callers must fail closed, never fall
   * through to env keys (auth-spec 5.1).
   */
  legacyMigrationRequired(): OpenclawError | undefined {
    const own = checkMigrationGuard(this.paths.agentId, this.store().listProfiles().length, {
      agentDir: this.paths.agentDir,
      stateDir: this.paths.stateDir,
      isDefaultAgent: this.paths.agentId === this.defaultAgentId,
    })
    if (own) return own
    const parent = this.parentAgentId
    if (!parent) return undefined
    return checkMigrationGuard(parent, this.store(parent).listProfiles().length, {
      agentDir: agentDirFor(this.paths.stateDir, parent),
      stateDir: this.paths.stateDir,
      isDefaultAgent: true,
    })
  }

  close(): void {
    for (const s of this.opened.values()) s.close()
    this.opened.clear()
  }
}
