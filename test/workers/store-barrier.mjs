/**
 * Start barrier shared by the store workers: announce "ready" once the store module is loaded,
 * then block until the test writes "go", so every worker hits the database at the same moment.
 */
export async function waitForGo() {
  process.stdout.write('ready\n')
  let buffered = ''
  for await (const chunk of process.stdin) {
    buffered += chunk
    if (buffered.includes('go\n')) return
  }
  throw new Error('stdin closed before go')
}

export function report(result) {
  process.stdout.write(`result ${JSON.stringify(result)}\n`)
}
