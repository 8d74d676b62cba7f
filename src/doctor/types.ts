/**
 * Doctor's data model: the gathered state (everything I/O found out) and the findings derived
 * from it by a pure function. Gatherers fill DoctorState; findings.ts never touches the disk.
 */
import type { CheckProblem, UnusableKey, UnusableProfile } from '../auth/status-report.ts'
import type { LegacyFileInfo } from '../migrate/legacy-detect.ts'
import type { ModelsJsonFilePlan } from '../migrate/models-json.ts'
import type { StaleOrder } from '../migrate/stale-order.ts'
import type { Rejected } from '../migrate/types.ts'

export type FindingLevel = 'info' | 'warning' | 'error'
export type FindingArea = 'config' | 'auth' | 'legacy' | 'files' | 'env' | 'secrets' | 'gateway' | 'network'

export interface FindingFix {
  /** A command the user can run (always shown when present). */
  command?: string
  description?: string
  /** True when `openclaw doctor --fix` applies it by itself. */
  automatic: boolean
}

export interface Finding {
  /** Stable: `<kind>` or `<kind>:<subject>`, e.g. `auth.cooldown:anthropic:work`. */
  id: string
  area: FindingArea
  level: FindingLevel
  title: string
  detail: string
  fix?: FindingFix
}

export interface ConfigCheck {
  status: 'ok' | 'missing' | 'invalid' | 'unreadable'
  message?: string
  warnings: string[]
}

export interface AgentAuthCheck {
  agentId: string
  isDefault: boolean
  storePath: string
  /** The store could not be read (corrupt, foreign, newer schema...); code + message. */
  storeError?: { code: string; message: string }
  problems: CheckProblem[]
  unusable: UnusableProfile[]
  /** Env / config keys cooling down; reported under the default agent, whose store holds them. */
  unusableKeys?: UnusableKey[]
  /** Set when the runtime guard would fail this agent closed. */
  migrationRequired?: { message: string; files: string[] }
  /** `openai-codex:*` ids still in the store. */
  codexIds: string[]
  /** `<store>.corrupt-*` files: earlier stores moved aside, with the ids still readable in each. */
  corruptAside: Array<{
    path: string
    movedAt: number | undefined
    bytes: number
    profiles: Array<{ profileId: string; provider: string; type: string }> | undefined
  }>
}

export interface ModeCheck {
  path: string
  kind: 'dir' | 'file'
  mode: number
  /** The mode we want: 0700 dirs, 0600 files. */
  expected: number
  ownedByUser: boolean
  /** The owner's uid and ours (set where the platform has uids). */
  ownerUid?: number
  userUid?: number
}

export interface EnvCheck {
  files: string[]
  ignored: Array<{ name: string; file: string; reason: string }>
  shellEnabled: boolean
  shellApplied: string[]
  shellError?: string
}

export interface GatewayCheck {
  url: string
  port: number
  portSource: 'env' | 'config' | 'default'
  reachable: boolean
  /** HTTP status of /health when it answered. */
  status?: number
  error?: string
  /** Whether an unauthenticated API call was refused (401/403); undefined when not checked. */
  requiresAuth?: boolean
}

export interface SecretsCheck {
  unresolved: Array<{ ref: string; where: string; message: string }>
  notChecked: Array<{ ref: string; where: string }>
  plaintext: number
  /** openclaw.json holds gateway.auth.password in plaintext (set-password stores a hash). */
  gatewayPasswordPlaintext?: boolean
  error?: string
}

export interface LegacyFileCheck extends LegacyFileInfo {
  credentials: number
  rejected: Rejected[]
  /** Whole-file parse failure (file will be left untouched). */
  failure?: string
}

export interface LegacyAgentCheck {
  agentId: string
  storePath: string
  storeProfiles: number
  /** An OpenClaw store sits at our store path. */
  foreignStore: boolean
  files: LegacyFileCheck[]
}

export interface LegacyCheck {
  agents: LegacyAgentCheck[]
  clawdbot?: {
    dir: string
    agents: string[]
    /** Its `.env` (seed 004's daemon keys), by entry names only. */
    envFile?: { path: string; names: string[] }
  }
}

export interface NetworkCheck {
  provider: string
  origin: string
  reachable: boolean
  latencyMs?: number
  error?: string
}

/** A store file's journal and WAL (B-08, B-11); one per agent store and the refresh lease db. */
export interface StoreFileCheck {
  path: string
  /** The store file exists (a missing one is only judged by its filesystem). */
  exists: boolean
  /** Filesystem of its directory and the journal policy that follows (store-filesystem.ts). */
  fsType?: string
  mountPoint?: string
  policy: 'wal' | 'delete' | 'refuse'
  policyReason?: string
  /** From one passive checkpoint; absent when the store could not be opened read-write. */
  wal?: { journalMode: string; walBytes: number; frames: number; checkpointed: number }
  /** journal_size_limit, and the page count a healthy WAL stays under. */
  limitBytes: number
  starvedFrames: number
}

export interface DoctorState {
  now: number
  stateDir: string
  configPath: string
  defaultAgentId: string
  options: { deep: boolean; allowExec: boolean }
  config: ConfigCheck
  auth: AgentAuthCheck[]
  modes: ModeCheck[]
  env?: EnvCheck
  gateway: GatewayCheck
  secrets?: SecretsCheck
  legacy: LegacyCheck
  staleOrders: StaleOrder[]
  /** What the openai-codex config migration would change (dry run). */
  codexConfig: string[]
  /** models.json files and what the fix would do with each (dry run). */
  modelsJson: ModelsJsonFilePlan[]
  network?: NetworkCheck[]
  storeFiles: StoreFileCheck[]
}
