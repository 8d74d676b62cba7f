/**
 * `models.json` files (seed 001: endpoint details belong under `models.providers.<id>` "in
 * openclaw.json or models.json"). OpenClaw keeps one per agent (`agents/<id>/agent/models.json`,
 * `{ "providers": { "<id>": { baseUrl, api, apiKey, models, headers, ... } } }`); older installs
 * also have one in the state dir. The gateway reads only openclaw.json, so `doctor` lists what
 * such a file holds and `doctor --fix` moves its providers into openclaw.json: entries missing
 * there are added, identical ones are noted, differing ones are left to the user (openclaw.json
 * wins, the file stays). A file all of whose entries are in openclaw.json afterwards is
 * archived as `models.json.migrated-<time>`. Planning is pure; I/O is the reader and the step.
 */
import fs from 'node:fs'
import path from 'node:path'
import JSON5 from 'json5'
import { normalizeProviderId } from '../auth/profile-id.ts'
import { readRawConfig } from '../config/load.ts'
import { validateConfig } from '../config/schema.ts'
import { isPlainObject } from '../config/schema-dsl.ts'
import { redact } from '../util/redact.ts'
import type { AgentTarget } from './agent-target.ts'
import { archiveName } from './archive.ts'
import { applyConfigEdit, type ConfigEdit, type MigrationContext } from './context.ts'
import { readLegacyFile } from './read-legacy-file.ts'
import { emptyReport, type MigrationReport } from './types.ts'

type Obj = Record<string, unknown>
const isObj = isPlainObject

export interface ModelsJsonSource {
  path: string
  /** The agent whose dir holds it; absent for the state dir's own file. */
  agentId?: string
}

export type ModelsJsonRead = { ok: true; providers: Obj } | { ok: false; detail: string }

export interface ModelsJsonFilePlan extends ModelsJsonSource {
  /** Why the file as a whole is not imported (unreadable, not JSON, no providers object). */
  failure?: string
  /** Provider entries openclaw.json lacks, as written in the file. */
  add: Array<{ id: string; entry: Obj }>
  /** Already in openclaw.json (or added from an earlier file) with the same content. */
  identical: string[]
  /** In openclaw.json (or an earlier file) with other content: field names only, never values. */
  conflicts: Array<{ id: string; fields: string[]; with: string }>
  /** Entries that cannot be imported as they are, with the reason. */
  rejected: Array<{ id: string; reason: string }>
}

/** Where models.json files are looked for: the state dir, then every agent dir (default first). */
export function modelsJsonSources(stateDir: string, agents: readonly AgentTarget[]): ModelsJsonSource[] {
  const out: ModelsJsonSource[] = []
  const top = path.join(stateDir, 'models.json')
  if (fs.existsSync(top)) out.push({ path: top })
  const ordered = [...agents].sort((a, b) => Number(b.isDefault) - Number(a.isDefault))
  for (const a of ordered) {
    const p = path.join(a.agentDir, 'models.json')
    if (fs.existsSync(p)) out.push({ path: p, agentId: a.agentId })
  }
  return out
}

/** Reads one file, bounded like every legacy file; `providers` at the top or under `models`. */
export function readModelsJson(file: string): ModelsJsonRead {
  const read = readLegacyFile(file)
  if (!read.ok) return { ok: false, detail: read.detail }
  let doc: unknown
  try {
    doc = JSON5.parse(read.text)
  } catch {
    return { ok: false, detail: `${file} is not valid JSON` }
  }
  if (!isObj(doc)) return { ok: false, detail: `${file} is not a JSON object` }
  const providers = isObj(doc.providers)
    ? doc.providers
    : isObj(doc.models)
      ? doc.models.providers
      : undefined
  if (!isObj(providers)) return { ok: false, detail: `${file} has no "providers" object` }
  return { ok: true, providers }
}

/** Top-level fields whose values differ (JSON comparison); names only, values may be secret. */
function differingFields(a: Obj, b: Obj): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  return [...keys].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort()
}

const SECRET_FIELD = /key|token|secret|password|auth|header/i

/**
 * String values under secret-bearing fields (apiKey, headers, ...): redacted out of any message
 * that could echo them. Other values (an unknown `api`, say) stay readable in the reason.
 */
function secretStrings(v: unknown, inSecret = false, out: string[] = []): string[] {
  if (typeof v === 'string') {
    if (inSecret) out.push(v)
  } else if (Array.isArray(v)) for (const x of v) secretStrings(x, inSecret, out)
  else if (isObj(v))
    for (const [k, x] of Object.entries(v)) secretStrings(x, inSecret || SECRET_FIELD.test(k), out)
  return out
}

/** What the config schema says about one entry placed at models.providers.<id>. */
function entryProblem(id: string, entry: Obj): string | undefined {
  const probe = { models: { providers: { [id]: entry } } }
  const v = validateConfig(probe)
  // The probe holds this entry only, so every error is about it (its id included).
  const issue = v.errors[0] ?? v.warnings.find((w) => /skipped/.test(w.message))
  if (!issue) return undefined
  return redact(`${issue.path}: ${issue.message}`, secretStrings(entry))
}

export function migrateModelsJson(ctx: MigrationContext, agents: readonly AgentTarget[]): MigrationReport[] {
  const sources = modelsJsonSources(ctx.stateDir, agents)
  if (sources.length === 0) return []
  const plans = planModelsJson(
    readRawConfig(ctx.configPath).raw,
    sources.map((s) => ({ ...s, read: readModelsJson(s.path) })),
  )
  // openclaw.json first: a crash before the archive leaves a file whose entries are all
  // identical now, which the next run archives.
  const changes = applyConfigEdit(ctx, modelsJsonEdit(plans))
  return plans.map((p) => {
    const outcome = outcomeOf(p, changes)
    return outcome.archive
      ? { ...outcome.report, archivedTo: archiveModelsJson(p.path, ctx.now) }
      : outcome.report
  })
}

/**
 * The report for one file after the config write (`changes`: what the edit did), and whether
 * the file is settled and may be archived. An id the plan would add that appeared in
 * openclaw.json between the plan and the write was left alone: a conflict, not an import.
 */
export function outcomeOf(
  p: ModelsJsonFilePlan,
  changes: readonly string[],
): { report: MigrationReport; archive: boolean } {
  const raced = p.add.filter((a) => !changes.includes(addedChange(a.id, p.path)))
  const report = emptyReport('models.json', {
    source: p.path,
    ...(p.agentId ? { agentId: p.agentId } : {}),
    imported: p.add.filter((a) => !raced.includes(a)).map((a) => a.id),
    identical: p.identical,
    conflicts: [
      ...p.conflicts.map((c) => ({
        id: c.id,
        reason: `differs from ${c.with} in ${c.fields.join(', ')}; the entry in ${c.with} is used`,
      })),
      ...raced.map((a) => ({
        id: a.id,
        reason: 'added to openclaw.json by another change while doctor ran; compare the two by hand',
      })),
    ],
    rejected: p.rejected.map((r) => ({ id: r.id, reason: 'invalid_value' as const, detail: r.reason })),
    configChanges: changes.filter((c) => c.endsWith(` from ${p.path}`)),
  })
  if (p.failure) return { report: { ...report, status: 'failed', error: p.failure }, archive: false }
  if (!isSettled(p) || raced.length > 0) return { report: { ...report, status: 'conflict' }, archive: false }
  return { report: { ...report, status: 'imported' }, archive: true }
}

/**
 * The plan for every file against the raw openclaw.json tree: per provider add, identical,
 * conflict or rejected. Earlier files win over later ones (state dir, default agent, others):
 * providers are global in openclaw.json, so one id gets one entry.
 */
export function planModelsJson(
  raw: Obj,
  files: ReadonlyArray<ModelsJsonSource & { read: ModelsJsonRead }>,
): ModelsJsonFilePlan[] {
  const models = isObj(raw.models) ? raw.models : {}
  const existing = isObj(models.providers) ? models.providers : {}
  const taken = new Map<string, { entry: Obj; from: string }>()
  for (const [id, entry] of Object.entries(existing))
    if (isObj(entry)) taken.set(normalizeProviderId(id), { entry, from: 'openclaw.json' })
  const out: ModelsJsonFilePlan[] = []
  for (const f of files) {
    const plan: ModelsJsonFilePlan = {
      path: f.path,
      ...(f.agentId ? { agentId: f.agentId } : {}),
      add: [],
      identical: [],
      conflicts: [],
      rejected: [],
    }
    out.push(plan)
    if (!f.read.ok) {
      plan.failure = f.read.detail
      continue
    }
    for (const [id, entry] of Object.entries(f.read.providers)) {
      if (!isObj(entry)) {
        plan.rejected.push({ id, reason: 'the entry is not an object' })
        continue
      }
      const key = normalizeProviderId(id)
      const prior = taken.get(key)
      if (prior) {
        const fields = differingFields(prior.entry, entry)
        if (fields.length === 0) plan.identical.push(id)
        else plan.conflicts.push({ id, fields, with: prior.from })
        continue
      }
      const problem = entryProblem(key, entry)
      if (problem) {
        plan.rejected.push({ id, reason: problem })
        continue
      }
      plan.add.push({ id: key, entry })
      taken.set(key, { entry, from: f.path })
    }
  }
  return out
}

const addedChange = (id: string, file: string) => `models.providers.${id} from ${file}`

/** Adds the planned entries; re-checked against the freshly read file, never overwriting one. */
export function modelsJsonEdit(plans: readonly ModelsJsonFilePlan[]): ConfigEdit {
  return (raw) => {
    const changes: string[] = []
    for (const p of plans) {
      for (const { id, entry } of p.add) {
        if (!isObj(raw.models)) raw.models = {}
        const models = raw.models as Obj
        if (!isObj(models.providers)) models.providers = {}
        const providers = models.providers as Obj
        if (Object.keys(providers).some((k) => normalizeProviderId(k) === id)) continue
        providers[id] = structuredClone(entry)
        changes.push(addedChange(id, p.path))
      }
    }
    return changes
  }
}

/** A file with nothing left to reconcile; its entries now live in openclaw.json. */
export function isSettled(p: ModelsJsonFilePlan): boolean {
  return p.failure === undefined && p.conflicts.length === 0 && p.rejected.length === 0
}

/** Renames a settled file out of the way (never deletes it); returns the new name. */
export function archiveModelsJson(file: string, now: number): string {
  const target = archiveName(file, 'migrated', now)
  fs.renameSync(file, target)
  return target
}
