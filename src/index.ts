/**
 * Library entry point: the same core the CLI and gateway use. Nothing runs on import.
 */

export { type ModelRef, parseModelRef } from './auth/model-ref.ts'
export { type AuthView, type Candidate, type ResolvedAuth, resolveProviderAuth } from './auth/resolve.ts'
export { buildStatusReport, type StatusReport } from './auth/status-report.ts'
export * from './auth/types.ts'
export type { OpenclawConfig, ProviderConfig } from './config/types.ts'
export { type ErrorCode, EXIT, OpenclawError } from './errors.ts'
export { AgentRuntime } from './runtime/agent-runtime.ts'
export { CredentialStore } from './store/credential-store.ts'
