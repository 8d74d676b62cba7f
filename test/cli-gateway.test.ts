import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { BIN, makeTempHome } from './support/cli.ts'

describe('openclaw gateway', () => {
  it('serves GET /health on loopback and stops cleanly on SIGTERM', async () => {
    const t = makeTempHome()
    const child = spawn(process.execPath, [BIN, 'gateway', '--port', '0'], { env: t.env, stdio: 'pipe' })
    let stderr = ''
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway did not start: ${stderr}`)), 15_000)
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)
        if (m) {
          clearTimeout(timer)
          resolve(m[1]!)
        }
      })
      child.on('exit', () => reject(new Error(`gateway exited early: ${stderr}`)))
    })
    const health = await fetch(`${url}/health`)
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ ok: true })
    const missing = await fetch(`${url}/nope`)
    expect(missing.status).toBe(404)
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  })

  it('refuses a non-loopback bind without client auth', async () => {
    const t = makeTempHome()
    const res = await t.run(['gateway', '--bind', '0.0.0.0', '--port', '0'])
    expect(res.code).toBe(64)
    expect(res.stderr).toContain('Refusing to bind 0.0.0.0')
  })
})
