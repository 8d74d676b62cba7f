/**
 * What every migration step gets: the clock, the crash-test hooks, and a config editor that
 * writes only when the edit changes something (a no-op rerun must not rotate backups).
 */
import { readRawConfig } from '../config/load.ts'
import { updateConfig } from '../config/write.ts'
import type { MigrationHooks } from './types.ts'

type Env = Readonly<Record<string, string | undefined>>

/** Mutates the raw config tree; returns a description of each change (empty = nothing to do). */
export type ConfigEdit = (raw: Record<string, unknown>) => string[]

export interface MigrationContext {
  now: number
  hooks: MigrationHooks
  stateDir: string
  configPath: string
  env: Env
}

export function applyConfigEdit(ctx: MigrationContext, edit: ConfigEdit): string[] {
  const probe = structuredClone(readRawConfig(ctx.configPath).raw)
  if (edit(probe).length === 0) return []
  let changes: string[] = []
  updateConfig(ctx.configPath, ctx.env, (raw) => {
    changes = edit(raw)
  })
  return changes
}

/** `raw.auth` as an object, created on demand. */
export function authSection(raw: Record<string, unknown>): Record<string, unknown> {
  const a = raw.auth
  if (a && typeof a === 'object' && !Array.isArray(a)) return a as Record<string, unknown>
  const created: Record<string, unknown> = {}
  raw.auth = created
  return created
}
