/**
 * Doctor findings: a pure function of the gathered DoctorState, so every rule is table-tested
 * without touching the disk (the vitest-doctor pattern, stack-and-style section 4).
 */
import { authFindings, legacyFindings } from './findings-auth.ts'
import { modelsJsonFindings } from './findings-models-json.ts'
import { storeFileFindings } from './findings-store.ts'
import {
  configFindings,
  envFindings,
  gatewayFindings,
  modeFindings,
  networkFindings,
  secretFindings,
} from './findings-system.ts'
import type { DoctorState, Finding, FindingArea } from './types.ts'

export const AREA_ORDER: readonly FindingArea[] = [
  'config',
  'auth',
  'legacy',
  'files',
  'env',
  'secrets',
  'gateway',
  'network',
]

export function computeFindings(state: DoctorState): Finding[] {
  const all = [
    ...configFindings(state),
    ...authFindings(state),
    ...legacyFindings(state),
    ...modelsJsonFindings(state),
    ...modeFindings(state),
    ...storeFileFindings(state),
    ...envFindings(state),
    ...secretFindings(state),
    ...gatewayFindings(state),
    ...networkFindings(state),
  ]
  const rank = (f: Finding) => AREA_ORDER.indexOf(f.area)
  // Stable sort: within an area the gatherers' order (agents, then profiles) is kept.
  return all.sort((a, b) => rank(a) - rank(b))
}

/** 1 while any error-level finding remains, else 0. */
export function doctorExitCode(findings: readonly Finding[]): 0 | 1 {
  return findings.some((f) => f.level === 'error') ? 1 : 0
}
