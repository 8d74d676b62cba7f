/**
 * Everything the running gateway keeps in memory: config and environment (reloaded when their
 * files change), one AgentState per agent (opened on first use; env-key cooldowns live in the
 * default agent's store, see AgentState.recordKeyFailure), and the timers that flush
 * bookkeeping and notice changes made by other processes such as
 * `openclaw models auth clear-cooldown`.
 */
import { EventEmitter } from 'node:events'
import { validateAgentId } from '../auth/profile-id.ts'
import type { AuthView } from '../auth/resolve.ts'
import { agentDirFor, resolveConfigPath, resolveStateDir, storePathFor } from '../config/paths.ts'
import type { OpenclawConfig } from '../config/types.ts'
import { configRefs, profileRefs } from '../secrets/collect-refs.ts'
import { CredentialStore } from '../store/credential-store.ts'
import { agentCredentialPaths, currentUid, foreignOwned, foreignOwnerMessage } from '../util/foreign-owner.ts'
import { redactPatterns } from '../util/redact.ts'
import { yieldToLoop } from '../util/yield-to-loop.ts'
import { AgentState, type ViewContext } from './agent-state.ts'
import { BookkeepingFlusher } from './bookkeeping-flush.ts'
import { type Logger, loadGatewayContext, stampContextFiles } from './gateway-context.ts'
import { loadGatewayRefresher } from './gateway-oauth.ts'
import { activateGatewaySecrets, type GatewaySecrets, refKey } from './gateway-secrets.ts'

export type { Logger } from './gateway-context.ts'
export type { GatewaySecrets } from './gateway-secrets.ts'

export interface GatewayStateOptions {
  env: Readonly<Record<string, string | undefined>>
  cwd: string
  log?: Logger
  clock?: () => number
  /** Poll interval for store/config changes made by other processes. */
  pollMs?: number
  flushMs?: number
  /**
   * Debug lines: every OAuth refresh step with its message and which credential each attempt
   * used. Default: OPENCLAW_DEBUG=1 in `env`.
   */
  debug?: boolean
}

/**
 * Emits 'reloaded' after config/env/secrets were re-read (the server rebuilds client auth).
 */
export class GatewayState extends EventEmitter {
  readonly stateDir: string
  readonly configPath: string
  readonly clock: () => number
  readonly debug: boolean
  private ctx: ViewContext
  private defaultAgent: string
  private readonly agents = new Map<string, AgentState>()
  /** Paths already reported as foreign-owned, so the log says it once, not per agent. */
  private readonly ownerWarned = new Set<string>()
  private readonly timers: NodeJS.Timeout[] = []
  private readonly log: Logger
  private readonly opts: GatewayStateOptions
  private fileStamp = ''
  private readonly flusher: BookkeepingFlusher

  private refresher: Promise<import('../oauth/refresher.ts').OAuthRefresher> | undefined

  /** The OAuth refresher (loaded on first OAuth use): lease + CAS refresh, shared by all agents. */
  oauth(): Promise<import('../oauth/refresher.ts').OAuthRefresher> {
    this.refresher ??= loadGatewayRefresher({
      stateDir: this.stateDir,
      config: () => this.config,
      debug: this.debug,
      log: this.log,
      openStore: (p) => [...this.agents.values()].find((a) => a.store.path === p)?.store,
    })
    return this.refresher
  }

  /** Gateway client-auth secrets as resolved at the last activation. */
  gatewaySecrets: GatewaySecrets = { errors: [] }
  /** How many refs the last activation resolved, and how many failed (no values, no ids). */
  secretCounts: { total: number; failed: number } = { total: 0, failed: 0 }
  private activation: Promise<void> | undefined
  private knownRefs = new Set<string>()

  private constructor(opts: GatewayStateOptions) {
    super()
    this.opts = opts
    this.log = opts.log ?? (() => {})
    this.clock = opts.clock ?? Date.now
    this.debug = opts.debug ?? opts.env.OPENCLAW_DEBUG === '1'
    this.stateDir = resolveStateDir(opts.env)
    this.configPath = resolveConfigPath(opts.env, this.stateDir)
    const { ctx, defaultAgent } = this.loadContext()
    this.ctx = ctx
    this.defaultAgent = defaultAgent
    this.fileStamp = this.stampFiles()
    this.flusher = new BookkeepingFlusher(() => this.agents.values(), this.log)
  }

  /** Loads and validates config + env; throws (clear OpenclawError) when the config is broken. */
  static open(opts: GatewayStateOptions): GatewayState {
    return new GatewayState(opts)
  }

  /** A debug line (only with `debug`), generic credential shapes masked. */
  debugLog(message: string): void {
    if (this.debug) this.log('debug', redactPatterns(message))
  }

  get config(): OpenclawConfig {
    return this.ctx.config
  }

  get env(): Readonly<Record<string, string | undefined>> {
    return this.ctx.env
  }

  /** The active secrets snapshot's lookup (header refs of provider endpoints). */
  get refValue(): ViewContext['refValue'] {
    return this.ctx.refValue
  }

  get defaultAgentId(): string {
    return this.defaultAgent
  }

  private loadContext(): { ctx: ViewContext; defaultAgent: string } {
    return loadGatewayContext(this.contextSource(), this.log)
  }

  private contextSource() {
    return {
      processEnv: this.opts.env,
      cwd: this.opts.cwd,
      stateDir: this.stateDir,
      configPath: this.configPath,
    }
  }

  agent(agentId?: string): AgentState {
    const id = agentId === undefined ? this.defaultAgent : validateAgentId(agentId)
    let a = this.agents.get(id)
    if (!a) {
      const parent = id === this.defaultAgent ? undefined : this.agent(this.defaultAgent)
      const agentDir = agentDirFor(this.stateDir, id)
      const store = CredentialStore.open(storePathFor(agentDir))
      this.warnForeignOwners({ agentDir, storePath: store.path })
      a = new AgentState(id, store, parent)
      this.agents.set(id, a)
      a.refreshMigrationGuard(this.stateDir, this.defaultAgent, this.ctx)
    }
    return a
  }

  view(agentId?: string): AuthView {
    return this.agent(agentId).view(this.ctx)
  }

  /** The view of an agent already resolved (the request path: no id validation, no lookup). */
  viewOf(agent: AgentState): AuthView {
    return agent.view(this.ctx)
  }

  /** Once per agent, when its store is first opened; state dir and config included. */
  private warnForeignOwners(p: { agentDir: string; storePath: string }): void {
    const uid = currentUid()
    if (uid === undefined) return
    const paths = agentCredentialPaths({ stateDir: this.stateDir, configPath: this.configPath, ...p })
    for (const f of foreignOwned(paths, uid)) {
      if (this.ownerWarned.has(f.path)) continue
      this.ownerWarned.add(f.path)
      this.log('warn', foreignOwnerMessage(f, uid))
    }
  }

  /** A failure written through any agent may change what every agent reads through. */
  /** `keep`: agents whose cached views are already up to date (updated in place). */
  invalidateAll(keep?: readonly (AgentState | undefined)[]): void {
    for (const a of this.agents.values()) if (!keep?.includes(a)) a.invalidate()
  }

  /** Re-reads config and env; on a broken config keeps the previous one and says why. */
  reload(): boolean {
    try {
      const { ctx, defaultAgent } = this.loadContext()
      this.ctx = { ...this.ctx, ...ctx }
      this.defaultAgent = defaultAgent
      this.invalidateAll()
      this.log('info', 'config reloaded')
      return true
    } catch (err) {
      this.log('error', `config reload failed, keeping the previous config: ${(err as Error).message}`)
      return false
    }
  }

  setSecrets(hooks: Pick<ViewContext, 'refState' | 'refValue'>): void {
    this.ctx = { ...this.ctx, ...hooks }
    this.invalidateAll()
  }

  /**
   * Resolves every SecretRef in use (config: provider keys and headers, gateway.auth; stored
   * profiles of the default agent and every open agent) into one snapshot, at start, on
   * reload and when a store gains a ref we have not resolved. Request paths read the snapshot.
   */
  activateSecrets(opts: { fresh?: boolean } = {}): Promise<void> {
    // `fresh`: an activation already running may have read a file before it was rotated.
    if (opts.fresh && this.activation) return this.activation.then(() => this.activateSecrets())
    this.activation ??= this.runActivation().finally(() => {
      this.activation = undefined
    })
    return this.activation
  }

  private async runActivation(): Promise<void> {
    const { config, env } = this
    const configEntries = configRefs(config, { gateway: true })
    await yieldToLoop()
    const entries = [...configEntries, ...this.profileRefEntries()]
    this.knownRefs = new Set(entries.map((e) => refKey(e.ref)))
    const done = await activateGatewaySecrets(entries, config, env)
    this.secretCounts = done.counts
    this.gatewaySecrets = done.secrets
    for (const e of done.secrets.errors)
      this.log('error', `secret ref ${e.ref} at ${e.path} did not resolve: ${e.message}`)
    if (done.hooks) this.setSecrets(done.hooks)
  }

  private profileRefEntries() {
    const ids = new Set([this.defaultAgent, ...this.agents.keys()])
    return [...ids].flatMap((id) => {
      const v = this.agent(id).view(this.ctx)
      return profileRefs(v.profiles, id)
    })
  }

  /** True when some visible profile uses a ref the snapshot has never seen. */
  hasUnresolvedNewRefs(): boolean {
    return this.profileRefEntries().some((e) => !this.knownRefs.has(refKey(e.ref)))
  }

  /** Config/env/secrets re-read; emits 'reloaded' when the new config took effect. */
  async reloadAll(): Promise<boolean> {
    const ok = this.reload()
    if (ok) {
      await this.activateSecrets({ fresh: true }).catch((err: unknown) =>
        this.log('error', `secret activation failed: ${(err as Error).message}`),
      )
      this.emit('reloaded')
    }
    return ok
  }

  startWatching(): void {
    const poll = setInterval(() => this.pollChanges(), this.opts.pollMs ?? 250)
    const flush = setInterval(() => this.flushSome(), this.opts.flushMs ?? 1000)
    poll.unref()
    flush.unref()
    this.timers.push(poll, flush)
  }

  pollChanges(): void {
    try {
      const stamp = this.stampFiles()
      if (stamp !== this.fileStamp) {
        this.fileStamp = stamp
        void this.reloadAll()
        return
      }
      let changed = false
      for (const a of this.agents.values()) if (a.pollExternalChange()) changed = true
      for (const a of this.agents.values())
        a.refreshMigrationGuard(this.stateDir, this.defaultAgent, this.ctx)
      if (changed) {
        this.invalidateAll()
        if (this.hasUnresolvedNewRefs()) void this.activateSecrets()
        this.emit('stores-changed')
      }
    } catch (err) {
      this.log('error', `change detection failed: ${(err as Error).message}`)
    }
  }

  /** Writes every agent's queued bookkeeping now (shutdown, tests, listing sessions). */
  flush(): void {
    this.flusher.all()
  }

  /** The periodic flush, within `budgetMs` per turn of the loop (BookkeepingFlusher.some). */
  flushSome(budgetMs?: number, elapsed?: () => number): number {
    return this.flusher.some(budgetMs, elapsed)
  }

  close(): void {
    void this.refresher?.then((r) => r.close())
    for (const t of this.timers) clearInterval(t)
    this.timers.length = 0
    this.flush()
    for (const a of this.agents.values()) a.store.close()
    this.agents.clear()
  }

  private stampFiles(): string {
    return stampContextFiles(this)
  }
}
