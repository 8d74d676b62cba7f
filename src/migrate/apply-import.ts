/**
 * Writes an import plan into a store in ONE transaction, then proves it landed by reading it
 * back through a separate read-only connection. Only after that read-back may the caller
 * archive the source (lessons 4.H: migrations that archived first left users with nothing).
 */
import fs from 'node:fs'
import { OpenclawError } from '../errors.ts'
import { CredentialStore } from '../store/credential-store.ts'
import { sameCredential } from './codex-ids.ts'
import { type ImportPlan, planImport, planIsNoop } from './import-plan.ts'
import { stateFingerprint } from './state-merge.ts'
import type { MigrationHooks, ParsedLegacy } from './types.ts'

export async function importIntoStore(
  storePath: string,
  parsed: ParsedLegacy,
  now: number,
  hooks: MigrationHooks,
  source: string,
): Promise<ImportPlan> {
  // Decide on a read-only snapshot first: a source with nothing to import must not create a store.
  let plan = readOnlyPlan(storePath, parsed, now)
  if (!planIsNoop(plan)) {
    const store = CredentialStore.open(storePath)
    try {
      // Re-planned under the write lock: another process may have written since the snapshot.
      plan = store.batch(() => {
        const p = planImport(parsed, store.snapshot(), now)
        for (const w of p.writes) store.upsertProfile(w.id, w.credential)
        for (const s of p.states) store.updateState(s.id, () => s.state)
        for (const o of p.order) store.setOrderOverride(o.provider, o.ids)
        for (const g of p.lastGood) store.setLastGood(g.provider, g.id, g.at)
        return p
      })
    } finally {
      store.close()
    }
  }
  await hooks.marker?.('after-import', source)
  verifyImport(storePath, plan, source)
  await hooks.marker?.('after-verify', source)
  return plan
}

function readOnlyPlan(storePath: string, parsed: ParsedLegacy, now: number): ImportPlan {
  const store = CredentialStore.open(storePath, { readonly: true })
  try {
    return planImport(parsed, store.snapshot(), now)
  } finally {
    store.close()
  }
}

/** Throws unless every planned credential, usage state and order reads back exactly as intended. */
export function verifyImport(storePath: string, plan: ImportPlan, source: string): void {
  const expected = [...plan.writes.map((w) => w.id), ...plan.identical]
  if (expected.length === 0 && plan.order.length === 0 && plan.states.length === 0) return
  if (!fs.existsSync(storePath)) throw verifyError(storePath, source, 'the store file does not exist')
  const store = CredentialStore.open(storePath, { readonly: true })
  try {
    for (const w of plan.writes) {
      const got = store.getProfile(w.id)
      if (!got || !sameCredential(got.credential, w.credential))
        throw verifyError(storePath, source, `${w.id} did not read back`)
    }
    for (const id of plan.identical) {
      if (!store.getProfile(id)) throw verifyError(storePath, source, `${id} is missing`)
    }
    for (const st of plan.states) {
      if (stateFingerprint(store.getState(st.id)) !== stateFingerprint(st.state))
        throw verifyError(storePath, source, `the usage state of ${st.id} did not read back`)
    }
    for (const o of plan.order) {
      const got = store.getOrderOverride(o.provider)
      if (JSON.stringify(got) !== JSON.stringify([...new Set(o.ids)]))
        throw verifyError(storePath, source, `the order for ${o.provider} did not read back`)
    }
  } finally {
    store.close()
  }
}

function verifyError(storePath: string, source: string, why: string): OpenclawError {
  return new OpenclawError(
    'store_io',
    `Import of ${source} into ${storePath} could not be verified (${why}); the source was left in place.`,
    { hint: 'run: openclaw doctor --fix again; report it if it repeats', details: { storePath, source } },
  )
}
