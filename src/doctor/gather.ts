/**
 * Collects the DoctorState: every I/O doctor does before deciding anything. Each area is
 * gathered independently so one broken part (config, a store) never hides the others.
 */
import os from 'node:os'
import { providersInUse } from '../auth/model-ref.ts'
import { normalizeProviderId } from '../auth/profile-id.ts'
import { readRawConfig } from '../config/load.ts'
import {
  normalizeAgentId,
  resolveConfigPath,
  resolveDefaultAgentId,
  resolveStateDir,
} from '../config/paths.ts'
import type { OpenclawConfig } from '../config/types.ts'
import { loadLayeredEnv } from '../env/load-env.ts'
import { type AgentTarget, agentTarget, discoverAgents } from '../migrate/agent-target.ts'
import { codexConfigEdit } from '../migrate/codex-config.ts'
import { modelsJsonSources, planModelsJson, readModelsJson } from '../migrate/models-json.ts'
import { storedProfiles } from '../migrate/run-migrations.ts'
import { findStaleOrders } from '../migrate/stale-order.ts'
import { resolveProviderEndpoint } from '../providers/registry.ts'
import { AgentRuntime } from '../runtime/agent-runtime.ts'
import { leaseDbPath } from '../store/refresh-lease-repo.ts'
import { gatherAuth } from './gather-auth.ts'
import { gatherConfig } from './gather-config.ts'
import { gatewayPort, gatherGateway } from './gather-gateway.ts'
import { gatherLegacy } from './gather-legacy.ts'
import { gatherModes } from './gather-modes.ts'
import { checkOrigins } from './gather-network.ts'
import { gatherSecrets } from './gather-secrets.ts'
import { gatherStoreFiles } from './gather-store-files.ts'
import type { DoctorState } from './types.ts'

type Env = Readonly<Record<string, string | undefined>>

export interface GatherOptions {
  env: Env
  cwd: string
  now: number
  agent?: string
  deep: boolean
  allowExec: boolean
}

export interface Gathered {
  state: DoctorState
  agents: AgentTarget[]
  home: string
  configUsable: boolean
}

export async function gatherDoctorState(o: GatherOptions): Promise<Gathered> {
  const stateDir = resolveStateDir(o.env)
  const configPath = resolveConfigPath(o.env, stateDir)
  const home = o.env.OPENCLAW_HOME?.trim() || o.env.HOME?.trim() || os.homedir()
  const { check: config, loaded } = gatherConfig(configPath, stateDir, o.env, o.cwd)
  const cfg: OpenclawConfig = loaded?.config ?? {}
  const defaultAgentId = resolveDefaultAgentId(cfg)
  const agents = o.agent
    ? [agentTarget(stateDir, normalizeAgentId(o.agent), defaultAgentId)]
    : discoverAgents(
        stateDir,
        defaultAgentId,
        (cfg.agents?.list ?? []).map((a) => a.id),
      )
  let runtime: AgentRuntime | undefined
  if (loaded) {
    try {
      runtime = AgentRuntime.open({ env: o.env, cwd: o.cwd, ...(o.agent ? { agentFlag: o.agent } : {}) })
    } catch {
      // Reported through the config check; everything else still runs.
    }
  }
  try {
    const raw = loaded ? readRawConfig(configPath).raw : {}
    const codexProbe = structuredClone(raw)
    const state: DoctorState = {
      now: o.now,
      stateDir,
      configPath,
      defaultAgentId,
      options: { deep: o.deep, allowExec: o.allowExec },
      config,
      auth: await gatherAuth({
        ...(runtime ? { runtime } : {}),
        agents,
        stateDir,
        now: o.now,
        allowExec: o.allowExec,
      }),
      modes: gatherModes({ stateDir, configPath, agentDirs: agents.map((a) => a.agentDir) }),
      ...(runtime ? {} : { env: fallbackEnv(o.env, o.cwd, stateDir) }),
      ...(runtime
        ? {
            env: {
              files: runtime.env.files,
              ignored: runtime.env.ignored,
              shellEnabled: cfg.env?.shellEnv?.enabled === true,
              shellApplied: runtime.env.shellApplied,
              ...(runtime.env.shellError ? { shellError: runtime.env.shellError } : {}),
            },
            secrets: await gatherSecrets(runtime, o.cwd, o.allowExec),
          }
        : {}),
      gateway: await (async () => {
        const { port, source } = gatewayPort(o.env, cfg)
        return gatherGateway(port, source, undefined, cfg)
      })(),
      legacy: gatherLegacy(stateDir, home, agents),
      staleOrders: loaded ? findStaleOrders(raw, storedProfiles(agents), o.now) : [],
      codexConfig: loaded ? codexConfigEdit(new Map())(codexProbe) : [],
      modelsJson: loaded
        ? planModelsJson(
            raw,
            modelsJsonSources(stateDir, agents).map((m) => ({ ...m, read: readModelsJson(m.path) })),
          )
        : [],
      storeFiles: gatherStoreFiles([...agents.map((a) => a.storePath), leaseDbPath(stateDir)]),
      ...(o.deep ? { network: await checkOrigins(originsToCheck(cfg, agents, defaultAgentId)) } : {}),
    }
    return { state, agents, home, configUsable: loaded !== undefined }
  } finally {
    runtime?.close()
  }
}

/** Without a loadable config the env layers are still worth showing (minus config env.vars). */
function fallbackEnv(env: Env, cwd: string, stateDir: string): DoctorState['env'] {
  const e = loadLayeredEnv({ processEnv: env, cwd, stateDir })
  return { files: e.files, ignored: e.ignored, shellEnabled: false, shellApplied: [] }
}

/** Configured providers, providers in use and providers with stored profiles. */
function originsToCheck(cfg: OpenclawConfig, agents: readonly AgentTarget[], defaultAgentId: string) {
  const providers = new Set<string>()
  for (const p of Object.keys(cfg.models?.providers ?? {})) providers.add(normalizeProviderId(p))
  for (const u of providersInUse(cfg, defaultAgentId)) providers.add(u.provider)
  for (const p of storedProfiles(agents)) providers.add(normalizeProviderId(p.credential.provider))
  const out: Array<{ provider: string; origin: string }> = []
  for (const p of [...providers].sort()) {
    const ep = resolveProviderEndpoint(p, cfg)
    if (ep) out.push({ provider: p, origin: ep.origin })
  }
  return out
}
