/**
 * Secret refs through `secrets audit`'s own engine: unresolved refs are errors, exec refs are
 * only executed with --allow-exec (otherwise listed as not checked), plaintext is counted.
 */
import path from 'node:path'
import type { AgentRuntime } from '../runtime/agent-runtime.ts'
import { runAudit } from '../secrets/audit.ts'
import { readAgentStores, readDotenvFiles } from '../secrets/audit-inputs.ts'
import type { SecretsCheck } from './types.ts'

export async function gatherSecrets(
  runtime: AgentRuntime,
  cwd: string,
  allowExec: boolean,
): Promise<SecretsCheck> {
  try {
    const report = await runAudit({
      config: runtime.config,
      rawConfig: runtime.loaded.raw,
      configPath: runtime.paths.configPath,
      env: runtime.env.values,
      stores: readAgentStores(runtime),
      dotenv: readDotenvFiles([runtime.paths.envFilePath, path.resolve(cwd, '.env')]),
      allowExec,
    })
    const f = report.findings
    return {
      unresolved: f
        .filter((x) => x.code === 'REF_UNRESOLVED')
        .map((x) => ({ ref: x.ref ?? '?', where: x.location, message: x.message })),
      notChecked: f
        .filter((x) => x.code === 'REF_NOT_CHECKED')
        .map((x) => ({ ref: x.ref ?? '?', where: x.location })),
      plaintext: f.filter((x) => x.code === 'PLAINTEXT_FOUND').length,
      ...(f.some((x) => x.code === 'PLAINTEXT_FOUND' && x.location === 'gateway.auth.password')
        ? { gatewayPasswordPlaintext: true }
        : {}),
    }
  } catch (err) {
    return { unresolved: [], notChecked: [], plaintext: 0, error: (err as Error).message }
  }
}
