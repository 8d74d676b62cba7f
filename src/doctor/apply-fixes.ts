/**
 * `doctor --fix`: runs the migrations (src/migrate) and then tightens modes (the migrations
 * may create stores and archives). Returns what was done, for `fixed` and `migrations` in the
 * output; doctor re-gathers afterwards so the findings show what is left.
 */
import { OpenclawError } from '../errors.ts'
import type { MigrationContext } from '../migrate/context.ts'
import { runMigrations } from '../migrate/run-migrations.ts'
import type { MigrationHooks, MigrationReport } from '../migrate/types.ts'
import { CredentialStore } from '../store/credential-store.ts'
import { fixModes } from './fix-modes.ts'
import type { Gathered } from './gather.ts'
import { gatherModes } from './gather-modes.ts'

type Env = Readonly<Record<string, string | undefined>>

export interface FixOptions {
  env: Env
  now: number
  /** Import the ~/.clawdbot dir found by gathering (the user agreed). */
  importClawdbot: boolean
  hooks?: MigrationHooks
}

export interface FixResult {
  fixed: string[]
  migrations: MigrationReport[]
}

export async function applyFixes(g: Gathered, opts: FixOptions): Promise<FixResult> {
  const ctx: MigrationContext = {
    now: opts.now,
    hooks: opts.hooks ?? {},
    stateDir: g.state.stateDir,
    configPath: g.state.configPath,
    env: opts.env,
  }
  const fixed: string[] = moveCorruptStoresAside(g)
  const clawdbot = opts.importClawdbot ? g.state.legacy.clawdbot?.dir : undefined
  const migrations = await runMigrations(ctx, {
    agents: g.agents,
    defaultAgentId: g.state.defaultAgentId,
    configUsable: g.configUsable,
    ...(clawdbot ? { clawdbotDir: clawdbot } : {}),
  })
  for (const m of migrations) {
    if (m.status === 'imported') fixed.push(describe(m))
  }
  const modes = fixModes(
    gatherModes({
      stateDir: g.state.stateDir,
      configPath: g.state.configPath,
      agentDirs: g.agents.map((a) => a.agentDir),
    }),
  )
  fixed.push(...modes.fixed)
  return { fixed, migrations }
}

/**
 * A corrupt store still in place: opening it for writing moves it (and its -wal/-shm) aside to
 * `<name>.corrupt-<timestamp>`, exactly as the next write would; the agent then starts a new
 * store and the next gather lists the old file with what it still holds.
 */
function moveCorruptStoresAside(g: Gathered): string[] {
  const out: string[] = []
  for (const a of g.state.auth) {
    if (a.storeError?.code !== 'store_corrupt') continue
    try {
      CredentialStore.open(a.storePath).close()
    } catch (err) {
      const movedTo = OpenclawError.isInstance(err) ? err.details?.movedTo : undefined
      if (typeof movedTo === 'string')
        out.push(`corrupt-store (agent ${a.agentId}): moved ${a.storePath} aside to ${movedTo}`)
    }
  }
  return out
}

function describe(m: MigrationReport): string {
  const parts: string[] = []
  if (m.imported.length) parts.push(`imported ${m.imported.join(', ')}`)
  if (m.identical.length) parts.push(`already present ${m.identical.join(', ')}`)
  if (m.renamed.length) parts.push(`renamed ${m.renamed.map((r) => `${r.from} -> ${r.to}`).join(', ')}`)
  if (m.orderSet.length) parts.push(`order for ${m.orderSet.join(', ')}`)
  if (m.clamped.length)
    parts.push(
      `${m.clamped.length} imported cooldown window${m.clamped.length === 1 ? '' : 's'} clamped to the ladder maximum`,
    )
  if (m.configChanges.length) parts.push(m.configChanges.join('; '))
  if (m.archivedTo) parts.push(`archived as ${m.archivedTo}`)
  const who = m.agentId ? ` (agent ${m.agentId})` : ''
  return `${m.migration}${who}: ${parts.join('; ') || 'done'}`
}
