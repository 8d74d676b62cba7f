/**
 * Preloaded into a gateway child process (`node --expose-gc --import <this> bin/openclaw.js
 * gateway`): answers `{ type: 'mem' }` IPC messages with memory figures taken after a forced
 * full GC, so the load test measures the gateway's own heap, not the test runner's.
 */
if (typeof process.send === 'function') {
  process.on('message', (m) => {
    if (m?.type !== 'mem') return
    for (let i = 0; i < 3; i++) globalThis.gc?.()
    const mu = process.memoryUsage()
    process.send({
      type: 'mem',
      id: m.id,
      gc: typeof globalThis.gc === 'function',
      heapUsed: mu.heapUsed,
      rss: mu.rss,
      external: mu.external,
    })
  })
  // The IPC channel must not keep the gateway alive after SIGTERM.
  process.channel?.unref()
}
