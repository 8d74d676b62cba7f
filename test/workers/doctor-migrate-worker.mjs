/**
 * Crash-safety worker: runs `doctor --fix`'s migrations (the compiled code) and reports every
 * durable step over IPC, then waits for "continue". The parent SIGKILLs it at a chosen marker.
 * Env: OPENCLAW_STATE_DIR / HOME of the test's temp home.
 */
import { applyFixes } from '../../dist/doctor/apply-fixes.js'
import { gatherDoctorState } from '../../dist/doctor/gather.js'

const waitForContinue = () =>
  new Promise((resolve) => {
    const onMessage = (m) => {
      if (m !== 'continue') return
      process.off('message', onMessage)
      resolve()
    }
    process.on('message', onMessage)
  })

const env = process.env
const gathered = await gatherDoctorState({
  env,
  cwd: env.HOME,
  now: Date.now(),
  deep: false,
  allowExec: false,
})
const result = await applyFixes(gathered, {
  env,
  now: Date.now(),
  importClawdbot: false,
  hooks: {
    marker: async (name, source) => {
      process.send({ marker: name, source })
      await waitForContinue()
    },
  },
})
process.send({
  done: true,
  migrations: result.migrations.map((m) => ({ migration: m.migration, status: m.status })),
})
process.disconnect()
