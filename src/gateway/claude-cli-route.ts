/**
 * Models routed to the `claude-cli` runtime (`agents.defaults.models."<ref>".agentRuntime.id`)
 * are served by the host's `claude -p` instead of an HTTP upstream. The selected Anthropic
 * credential (API key, setup-token, or a fresh OAuth access token) is handed to the child;
 * without one, `claude` uses its own login after the account check. Output streams back as
 * text in the client's format.
 */
import type { ServerResponse } from 'node:http'
import { resolveProviderAuth } from '../auth/resolve.ts'
import type { ClaudeCliBackend } from '../claude-cli/backend.ts'
import { claudeCliAuthChoice, isRoutedToClaudeCli } from '../claude-cli/routing.ts'
import type { OpenclawConfig } from '../config/types.ts'
import { OpenclawError } from '../errors.ts'
import { INBOUND } from '../translate/index.ts'
import type { ChatEvent, ChatRequest } from '../translate/ir.ts'
import type { AbortLike } from '../util/abort-like.ts'
import type { AgentState } from './agent-state.ts'
import type { InboundApi } from './error-response.ts'
import type { ChainEntry } from './failover.ts'
import type { GatewayState } from './gateway-state.ts'
import { sendJson } from './http-util.ts'

export function routedToClaudeCli(config: OpenclawConfig, entry: ChainEntry): boolean {
  return isRoutedToClaudeCli(config, `${entry.provider}/${entry.model}`)
}

/** A plain transcript for `claude -p`: it takes one prompt on stdin. */
export function promptFromRequest(req: ChatRequest): string {
  const lines: string[] = []
  if (req.system) lines.push(`System: ${req.system}`, '')
  for (const m of req.messages) {
    const text = m.content
      .map((p) => (p.type === 'text' ? p.text : p.type === 'tool_result' ? `[tool result] ${p.content}` : ''))
      .filter(Boolean)
      .join('\n')
    if (text) lines.push(`${m.role === 'user' ? 'User' : 'Assistant'}: ${text}`, '')
  }
  return lines.join('\n').trim()
}

/** One backend (and login cache) per gateway state: a process may run more than one gateway. */
const backends = new WeakMap<GatewayState, Promise<ClaudeCliBackend>>()

export async function serveViaClaudeCli(opts: {
  res: ServerResponse
  inbound: InboundApi
  body: Record<string, unknown>
  stream: boolean
  entry: ChainEntry
  state: GatewayState
  agent: AgentState
  signal: AbortLike
  headers: Record<string, string>
}): Promise<void> {
  const { res, inbound, state, entry } = opts
  let backend = backends.get(state)
  if (!backend) {
    backend = import('../claude-cli/backend.ts').then((m) =>
      m.createClaudeCliBackend({ config: () => state.config, env: state.env }),
    )
    backends.set(state, backend)
  }
  const { claudeCredentialFor } = await import('../claude-cli/backend.ts')
  const ir = INBOUND[inbound].parseRequest(opts.body)
  const view = state.view(opts.agent.agentId)
  const resolved = resolveProviderAuth(view, {
    provider: 'anthropic',
    model: entry.model,
    now: state.clock(),
    ...(entry.profileId ? { profileId: entry.profileId } : {}),
  })
  // The same rule `models status` reports with: a managed credential, else claude's own
  // login, but never after a SecretRef failure.
  const choice = claudeCliAuthChoice(resolved)
  if (choice.kind === 'blocked') throw choice.error
  const c = choice.kind === 'managed' ? choice.candidate : undefined
  let credential: Parameters<ClaudeCliBackend['start']>[0]['credential'] = { kind: 'cli' }
  let served = 'claude-cli'
  if (c?.kind === 'profile') {
    const profile = view.profiles.find((p) => p.id === c.profileId)!
    let secret = c.secret
    if (c.mode === 'oauth') {
      const owner = opts.agent.ownerOf(c.profileId) ?? opts.agent
      const fresh = await (await state.oauth()).ensureFresh(owner.store, c.profileId, {
        agentId: owner.agentId,
      })
      if ('error' in fresh) throw fresh.error
      secret = fresh.access
    }
    if (!secret) throw new OpenclawError('no_credentials', `No usable secret for ${c.profileId}.`)
    credential = claudeCredentialFor(profile.credential, secret)
    served = c.profileId
  } else if (c) {
    credential = { kind: 'api_key', secret: c.secret }
    served = c.source.replace(/^env: /, 'env:')
  }
  const run = (await backend).start({
    prompt: promptFromRequest(ir),
    model: entry.model,
    credential,
    signal: opts.signal,
  })
  const headers = { ...opts.headers, 'x-openclaw-auth-profile': served }
  const created = Math.floor(state.clock() / 1000)
  const id = `msg_cli_${created}`
  if (!opts.stream) {
    let text = ''
    for await (const chunk of run.stdout) text += chunk.toString()
    const done = await run.done
    if (done.code !== 0) throw cliFailure(done)
    const response = {
      id,
      model: entry.model,
      content: [{ type: 'text' as const, text: text.trimEnd() }],
      stopReason: 'end' as const,
      usage: { inputTokens: 0, outputTokens: 0 },
    }
    return sendJson(res, 200, INBOUND[inbound].renderResponse(response, { created }), headers)
  }
  const writer = INBOUND[inbound].createStreamWriter({ created, id, model: entry.model })
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers })
  const emit = (ev: ChatEvent) => {
    const out = writer.write(ev)
    if (out) res.write(out)
  }
  emit({ type: 'start', id, model: entry.model, usage: { inputTokens: 0 } })
  for await (const chunk of run.stdout) emit({ type: 'text_delta', index: 0, text: chunk.toString() })
  const done = await run.done
  emit({ type: 'block_stop', index: 0 })
  if (done.code !== 0) emit({ type: 'error', message: cliFailure(done).message, errorType: 'api_error' })
  else emit({ type: 'finish', stopReason: 'end', usage: { inputTokens: 0, outputTokens: 0 } })
  res.end(writer.end())
}

function cliFailure(done: {
  code: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
}): OpenclawError {
  const why = done.timedOut
    ? 'timed out'
    : done.signal
      ? `was killed by ${done.signal}`
      : `exited with code ${done.code}`
  return new OpenclawError('upstream', `claude -p ${why}.`, {
    httpStatus: 502,
    hint: 'Check `claude -p` on the gateway host, or route the model back to the Anthropic API.',
  })
}
