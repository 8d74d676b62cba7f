/**
 * Model auth health per agent, through the same status report `models status` uses (so the
 * two can never disagree), plus the fail-closed migration guard and leftover openai-codex ids.
 * Exec SecretRefs are resolved only with --allow-exec: doctor must not run configured
 * programs by surprise.
 */
import { buildStatusReport } from '../auth/status-report.ts'
import { claudeCliStatusInputs } from '../claude-cli/status-inputs.ts'
import { OpenclawError } from '../errors.ts'
import type { AgentTarget } from '../migrate/agent-target.ts'
import { isCodexId } from '../migrate/codex-ids.ts'
import { checkMigrationGuard } from '../migrate/legacy-detect.ts'
import type { AgentRuntime } from '../runtime/agent-runtime.ts'
import { buildAuthView } from '../runtime/build-view.ts'
import { configRefs, profileRefs } from '../secrets/collect-refs.ts'
import { viewHooks } from '../secrets/snapshot.ts'
import { listCorruptAside } from '../store/corrupt-aside.ts'
import { CredentialStore, type StoreSnapshot } from '../store/credential-store.ts'
import { peekProfileIds } from '../store/db.ts'
import type { AgentAuthCheck } from './types.ts'

export interface AuthGatherInput {
  /** Absent when the config does not load: only store health and the guard are checked. */
  runtime?: AgentRuntime
  agents: readonly AgentTarget[]
  stateDir: string
  now: number
  allowExec: boolean
}

export async function gatherAuth(input: AuthGatherInput): Promise<AgentAuthCheck[]> {
  const hooks = await secretHooks(input)
  const snapshots = new Map<string, StoreSnapshot | { code: string; message: string }>()
  const snapshotOf = (a: AgentTarget) => {
    if (!snapshots.has(a.agentId)) snapshots.set(a.agentId, readSnapshot(a.storePath))
    return snapshots.get(a.agentId)!
  }
  const defaultAgent = input.agents.find((a) => a.isDefault)
  const out: AgentAuthCheck[] = []
  for (const a of input.agents) {
    const check: AgentAuthCheck = {
      agentId: a.agentId,
      isDefault: a.isDefault,
      storePath: a.storePath,
      problems: [],
      unusable: [],
      codexIds: [],
      corruptAside: listCorruptAside(a.storePath).map((c) => ({ ...c, profiles: peekProfileIds(c.path) })),
    }
    out.push(check)
    const own = snapshotOf(a)
    if (!('profiles' in own)) {
      check.storeError = own
      continue
    }
    check.codexIds = own.profiles.filter((p) => isCodexId(p.id)).map((p) => p.id)
    const guard = checkMigrationGuard(a.agentId, own.profiles.length, {
      agentDir: a.agentDir,
      stateDir: input.stateDir,
      isDefaultAgent: a.isDefault,
    })
    if (guard)
      check.migrationRequired = {
        message: guard.message,
        files: (guard.details?.files as string[] | undefined) ?? [],
      }
    if (!input.runtime) continue
    const parentSnap = !a.isDefault && defaultAgent ? snapshotOf(defaultAgent) : undefined
    const view = buildAuthView({
      agentId: a.agentId,
      storePath: a.storePath,
      own,
      ...(parentSnap && 'profiles' in parentSnap && defaultAgent
        ? { parent: { agentId: defaultAgent.agentId, snapshot: parentSnap } }
        : {}),
      config: input.runtime.config,
      env: input.runtime.env.values,
      ...hooks,
    })
    const report = buildStatusReport(
      view,
      input.now,
      claudeCliStatusInputs(input.runtime.config, input.runtime.env.values, input.now),
    )
    // Inherited profiles are reported once, under the agent that owns them.
    const ownsIt = (id: string | undefined) => id === undefined || view.owners.get(id) === a.agentId
    check.problems = report.check.problems.filter((p) => ownsIt(p.profileId))
    check.unusable = report.auth.unusableProfiles.filter((u) => ownsIt(u.profileId))
    if (a.isDefault && report.auth.unusableKeys.length) check.unusableKeys = report.auth.unusableKeys
  }
  return out
}

async function secretHooks(input: AuthGatherInput) {
  const rt = input.runtime
  if (!rt) return {}
  try {
    const view = rt.view()
    const refs = [...profileRefs(view.profiles, rt.paths.agentId), ...configRefs(rt.config)]
    if (!input.allowExec && refs.some((r) => r.ref.source === 'exec')) return {}
    const snapshot = await rt.activateSecrets()
    return snapshot ? { refState: viewHooks(snapshot).refState, refValue: viewHooks(snapshot).refValue } : {}
  } catch {
    // A store or secrets failure is reported by its own finding; health then runs without refs.
    return {}
  }
}

function readSnapshot(storePath: string): StoreSnapshot | { code: string; message: string } {
  try {
    const store = CredentialStore.open(storePath, { readonly: true })
    try {
      return store.snapshot()
    } finally {
      store.close()
    }
  } catch (err) {
    return OpenclawError.isInstance(err)
      ? { code: err.code, message: err.message }
      : { code: 'store_io', message: (err as Error).message }
  }
}
