/**
 * A models.json from an OpenClaw install (seed 001: endpoints "in openclaw.json or models.json"):
 * doctor says the gateway does not read it, `doctor --fix` moves its providers into
 * openclaw.json without overwriting anything, and the moved provider then works.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canary, expectNoCanary, makeTempHome } from './support/cli.ts'
import { type MockProvider, startMockProvider } from './support/mock-provider/index.ts'

let mock: MockProvider
beforeAll(async () => {
  mock = await startMockProvider()
})
afterAll(async () => {
  await mock.close()
})

// biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary JSON
type Loose = Record<string, any>

describe('doctor and models.json', () => {
  it('lists what the file holds, moves the missing provider, leaves a conflict to the user, then archives the file', async () => {
    const t = makeTempHome()
    const key = canary('sk-local-')
    mock.setBehavior(key, { kind: 'ok', text: 'from the moved provider' })
    t.writeConfig({
      models: { providers: { openai: { baseUrl: `${mock.url}/v1`, api: 'openai-completions' } } },
    })
    const file = path.join(t.stateDir, 'agents', 'main', 'agent', 'models.json')
    fs.mkdirSync(path.dirname(file), { recursive: true })
    const local = {
      baseUrl: `${mock.url}/v1`,
      api: 'openai-completions',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: config substitution syntax
      apiKey: '${LOCAL_LLM_KEY}',
      models: [{ id: 'm1' }],
    }
    fs.writeFileSync(
      file,
      JSON.stringify({
        providers: { local, openai: { baseUrl: 'https://proxy.example/v1', api: 'openai-completions' } },
      }),
    )
    const env = { LOCAL_LLM_KEY: key }
    const outputs: string[] = []
    const run = async (args: string[]) => {
      const r = await t.run(args, { env })
      outputs.push(r.stdout, r.stderr)
      return r
    }

    const status = await run(['models', 'status'])
    expect(status.stderr).toContain(
      `note: ${file} is not read; provider endpoints come from openclaw.json only.`,
    )

    const diag = await run(['doctor', '--json'])
    expect(diag.code).toBe(1)
    const finding = JSON.parse(diag.stdout).findings.find((f: Loose) => f.id === `legacy.models-json:${file}`)
    expect(finding).toMatchObject({ level: 'error', area: 'legacy' })
    expect(finding.detail).toContain('Moved into openclaw.json models.providers by the fix: local.')
    expect(finding.detail).toContain(
      'openai: differs from openclaw.json in baseUrl; the entry in openclaw.json is used.',
    )
    const text = await run(['doctor'])
    expect(text.stdout).toContain(`${file} is not read`)

    const fix = await run(['doctor', '--fix', '--json'])
    const m = JSON.parse(fix.stdout).migrations.find((x: Loose) => x.migration === 'models.json')
    expect(m).toMatchObject({ status: 'conflict', source: file, agentId: 'main', imported: ['local'] })
    expect(m.conflicts).toEqual([
      { id: 'openai', reason: 'differs from openclaw.json in baseUrl; the entry in openclaw.json is used' },
    ])
    expect(fs.existsSync(file)).toBe(true)
    const cfg = t.readConfig() as Loose
    // Moved as written: the ${VAR} stays a reference, the key never lands in openclaw.json.
    expect(cfg.models.providers.local).toEqual(local)
    expect(cfg.models.providers.openai.baseUrl).toBe(`${mock.url}/v1`)

    // The moved provider is live for the ordinary commands.
    const probe = await run(['models', 'status', '--probe', '--probe-provider', 'local', '--json'])
    expect(probe.code).toBe(0)
    expect(mock.requests.some((r) => r.headers.authorization === `Bearer ${key}`)).toBe(true)

    // The user settles the conflict; the next fix archives the file.
    fs.writeFileSync(file, JSON.stringify({ providers: { local } }))
    const again = await run(['doctor', '--fix', '--json'])
    const m2 = JSON.parse(again.stdout).migrations.find((x: Loose) => x.migration === 'models.json')
    expect(m2).toMatchObject({ status: 'imported', imported: [], identical: ['local'], conflicts: [] })
    expect(m2.archivedTo).toMatch(/models\.json\.migrated-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/)
    expect(fs.existsSync(file)).toBe(false)
    expect((await run(['models', 'status'])).stderr).not.toContain('models.json')
    const after = await run(['doctor', '--json'])
    expect(JSON.parse(after.stdout).findings.map((f: Loose) => f.id)).not.toContain(
      `legacy.models-json:${file}`,
    )
    expectNoCanary(outputs, [key])
  })

  it('a models.json that does not parse is named and left alone', async () => {
    const t = makeTempHome()
    t.writeConfig({})
    const file = path.join(t.stateDir, 'models.json')
    fs.writeFileSync(file, '{ "providers": ')
    const fix = await t.run(['doctor', '--fix', '--json'])
    const m = JSON.parse(fix.stdout).migrations.find((x: Loose) => x.migration === 'models.json')
    expect(m).toMatchObject({ status: 'failed', error: `${file} is not valid JSON` })
    expect(fs.readFileSync(file, 'utf8')).toBe('{ "providers": ')
    const f = JSON.parse(fix.stdout).findings.find((x: Loose) => x.id === `legacy.models-json:${file}`)
    expect(f.detail).toContain('Nothing is moved from it until it parses.')
  })
})
