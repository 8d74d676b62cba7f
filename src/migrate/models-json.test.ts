import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { modelsJsonEdit, outcomeOf, planModelsJson, readModelsJson } from './models-json.ts'

const SECRET = 'sk-test-models-json-9f3a71c2'
const ok = (providers: Record<string, unknown>) => ({ ok: true as const, providers })
const local = { baseUrl: 'http://127.0.0.1:11434/v1', api: 'openai-completions', models: [{ id: 'm1' }] }

describe('planModelsJson', () => {
  it('adds providers openclaw.json lacks, notes identical ones, and names only the fields of a conflict', () => {
    const raw = {
      models: { providers: { openai: { baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-mine-1234' } } },
    }
    const [plan] = planModelsJson(raw, [
      {
        path: '/s/agents/main/agent/models.json',
        agentId: 'main',
        read: ok({
          local: { ...local, apiKey: SECRET },
          openai: { baseUrl: 'https://proxy.example/v1', apiKey: SECRET },
        }),
      },
    ])
    expect(plan?.add).toEqual([{ id: 'local', entry: { ...local, apiKey: SECRET } }])
    expect(plan?.conflicts).toEqual([{ id: 'openai', fields: ['apiKey', 'baseUrl'], with: 'openclaw.json' }])
    expect(JSON.stringify(plan?.conflicts)).not.toContain(SECRET)

    const [same] = planModelsJson({ models: { providers: { local } } }, [
      { path: '/s/models.json', read: ok({ local }) },
    ])
    expect(same).toMatchObject({ add: [], identical: ['local'], conflicts: [], rejected: [] })
  })

  it('the first file wins an id (state dir, then the default agent); later copies are identical or conflicts', () => {
    const plans = planModelsJson({}, [
      { path: '/s/models.json', read: ok({ local }) },
      { path: '/s/agents/main/agent/models.json', agentId: 'main', read: ok({ LOCAL: local }) },
      {
        path: '/s/agents/work/agent/models.json',
        agentId: 'work',
        read: ok({ local: { ...local, api: 'anthropic-messages' } }),
      },
    ])
    expect(plans.map((p) => p.add.map((a) => a.id))).toEqual([['local'], [], []])
    expect(plans[1]?.identical).toEqual(['LOCAL'])
    expect(plans[2]?.conflicts).toEqual([{ id: 'local', fields: ['api'], with: '/s/models.json' }])
  })

  it('rejects entries the config would refuse or skip, without echoing their values', () => {
    const [plan] = planModelsJson({}, [
      {
        path: '/s/models.json',
        read: ok({
          bad: { baseUrl: 'http://127.0.0.1/v1', api: 'martian', apiKey: SECRET },
          list: ['not', 'an', 'object'],
          'Not Valid!': { baseUrl: 'http://127.0.0.1/v1' },
        }),
      },
    ])
    expect(plan?.add).toEqual([])
    expect(plan?.rejected.map((r) => r.id)).toEqual(['bad', 'list', 'Not Valid!'])
    expect(plan?.rejected[0]?.reason).toContain('models.providers.bad.api: unsupported api "martian"')
    expect(plan?.rejected[1]?.reason).toBe('the entry is not an object')
    expect(JSON.stringify(plan)).not.toContain(SECRET)
  })

  it('a reason that would quote a secret-bearing value says [redacted] instead', () => {
    const [plan] = planModelsJson({}, [
      // A key pasted into the wrong field: the schema's message quotes the value it got.
      { path: '/s/models.json', read: ok({ p: { baseUrl: 'http://127.0.0.1/v1', auth: SECRET } }) },
    ])
    expect(plan?.rejected).toEqual([
      { id: 'p', reason: expect.stringContaining('models.providers.p.auth: expected one of') },
    ])
    expect(plan?.rejected[0]?.reason).toContain('[redacted]')
    expect(JSON.stringify(plan)).not.toContain(SECRET)
  })

  it('a file that does not read is a failure of that file only', () => {
    const plans = planModelsJson({}, [
      { path: '/s/models.json', read: { ok: false, detail: '/s/models.json is not valid JSON' } },
      { path: '/s/agents/main/agent/models.json', read: ok({ local }) },
    ])
    expect(plans[0]?.failure).toBe('/s/models.json is not valid JSON')
    expect(plans[1]?.add.map((a) => a.id)).toEqual(['local'])
  })
})

describe('modelsJsonEdit', () => {
  it('adds the planned entries and never overwrites one that appeared in the meantime', () => {
    const plans = planModelsJson({}, [{ path: '/s/models.json', read: ok({ local, other: local }) }])
    const raw: Record<string, unknown> = { models: { providers: { other: { baseUrl: 'http://x/v1' } } } }
    expect(modelsJsonEdit(plans)(raw)).toEqual(['models.providers.local from /s/models.json'])
    expect(raw).toEqual({ models: { providers: { other: { baseUrl: 'http://x/v1' }, local } } })
    expect(modelsJsonEdit(plans)(raw)).toEqual([])
  })
})

describe('outcomeOf', () => {
  it('imports and archives when the write added everything; an id someone added meanwhile keeps the file', () => {
    const [plan] = planModelsJson({}, [{ path: '/s/models.json', read: ok({ local, other: local }) }])
    if (!plan) throw new Error('no plan')
    const all = modelsJsonEdit([plan])({})
    expect(outcomeOf(plan, all)).toMatchObject({
      archive: true,
      report: { status: 'imported', imported: ['local', 'other'] },
    })
    const raced = modelsJsonEdit([plan])({ models: { providers: { other: { baseUrl: 'http://x/v1' } } } })
    const o = outcomeOf(plan, raced)
    expect(o.archive).toBe(false)
    expect(o.report).toMatchObject({ status: 'conflict', imported: ['local'], configChanges: raced })
    expect(o.report.conflicts).toEqual([
      { id: 'other', reason: expect.stringContaining('by another change') },
    ])
  })

  it('a file that does not read fails and is never archived', () => {
    const [plan] = planModelsJson({}, [{ path: '/s/models.json', read: { ok: false, detail: 'bad' } }])
    if (!plan) throw new Error('no plan')
    expect(outcomeOf(plan, [])).toMatchObject({ archive: false, report: { status: 'failed', error: 'bad' } })
  })
})

describe('readModelsJson', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
  })
  const write = (text: string) => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'models-json-'))
    dirs.push(d)
    const f = path.join(d, 'models.json')
    fs.writeFileSync(f, text)
    return f
  }

  it('reads OpenClaw’s shape ({ providers }) and the config shape ({ models: { providers } }), JSON5 included', () => {
    expect(readModelsJson(write('{ "providers": { "local": { "api": "ollama" } } }'))).toEqual(
      ok({ local: { api: 'ollama' } }),
    )
    expect(readModelsJson(write('{ models: { providers: { local: {}, } } } // hand-written'))).toEqual(
      ok({ local: {} }),
    )
  })

  it('says what is wrong with a file that is not JSON, not an object, or has no providers', () => {
    const bad = write('{ nope')
    expect(readModelsJson(bad)).toEqual({ ok: false, detail: `${bad} is not valid JSON` })
    const arr = write('[]')
    expect(readModelsJson(arr)).toEqual({ ok: false, detail: `${arr} is not a JSON object` })
    const none = write('{ "mode": "merge" }')
    expect(readModelsJson(none)).toEqual({ ok: false, detail: `${none} has no "providers" object` })
  })
})
