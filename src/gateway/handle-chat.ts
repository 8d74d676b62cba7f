/**
 * POST /v1/chat/completions and POST /v1/messages: agent and session from headers, chat
 * commands, model target, then the failover loop over credentials and fallback models.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ModelRef } from '../auth/model-ref.ts'
import { OpenclawError } from '../errors.ts'
import { endpointFor } from '../providers/registry.ts'
import type { AgentState } from './agent-state.ts'
import { isChatCommand, runChatCommand } from './chat-commands.ts'
import { chatFailoverHooks } from './chat-failover-hooks.ts'
import { routedToClaudeCli, serveViaClaudeCli } from './claude-cli-route.ts'
import type { InboundApi } from './error-response.ts'
import {
  type AttemptRecord,
  type ChainEntry,
  type FailoverResult,
  failoverFailure,
  runFailover,
} from './failover.ts'
import type { GatewayState, Logger } from './gateway-state.ts'
import { BodyError, headerValue, readJsonBody } from './http-util.ts'
import { writeGatewayError, writeGatewayReply, writeUpstreamSuccess } from './respond.ts'
import type { RunRegistry } from './runs.ts'
import { cachedTarget } from './target.ts'
import type { RequestContext, UpstreamSuccess } from './upstream-attempt.ts'

export interface ChatDeps {
  state: GatewayState
  runs: RunRegistry
  log: Logger
}

const SESSION_KEY = /^[\x21-\x7e]{1,256}$/

export async function handleChat(
  inbound: InboundApi,
  req: IncomingMessage,
  res: ServerResponse,
  deps: ChatDeps,
): Promise<void> {
  const runId = `run_${randomUUID()}`
  const baseHeaders: Record<string, string> = { 'x-openclaw-run-id': runId }
  const fail = (status: number, kind: string, message: string, hint?: string) =>
    writeGatewayError(res, inbound, { status, kind, message, runId, ...(hint ? { hint } : {}) }, baseHeaders)
  let body: Record<string, unknown>
  let rawBody: string
  try {
    ;({ body, text: rawBody } = await readJsonBody(req))
  } catch (err) {
    return fail(err instanceof BodyError ? err.status : 400, 'format', (err as Error).message)
  }
  const sessionKey = headerValue(req, 'x-openclaw-session-key')
  if (sessionKey !== undefined && !SESSION_KEY.test(sessionKey)) {
    return fail(
      400,
      'format',
      'x-openclaw-session-key must be 1-256 printable ASCII characters without spaces.',
    )
  }
  const { state } = deps
  let agent: AgentState
  try {
    agent = state.agent(headerValue(req, 'x-openclaw-agent-id'))
  } catch (err) {
    if (OpenclawError.isInstance(err)) return fail(400, 'format', err.message, err.hint)
    throw err
  }
  if (agent.migrationError) {
    const e = agent.migrationError
    return fail(e.httpStatus, 'migration_required', e.message, e.hint)
  }
  const stream = body.stream === true
  const session = sessionKey ? agent.getSession(sessionKey) : undefined
  const lastText = lastUserText(inbound, body)
  if (isChatCommand(lastText)) {
    try {
      const requested = requestedModel(body.model, state, agent.agentId, inbound)
      const r = runChatCommand({
        text: lastText!,
        view: state.viewOf(agent),
        sessionKey,
        session,
        now: state.clock(),
        ...(requested ? { requested } : {}),
      })
      if (r.session !== undefined && sessionKey) agent.setSession(sessionKey, r.session)
      return writeGatewayReply(res, inbound, stream, r.reply, { headers: baseHeaders, now: state.clock })
    } catch (err) {
      if (OpenclawError.isInstance(err))
        return writeGatewayReply(res, inbound, stream, `${err.message}${err.hint ? `\n${err.hint}` : ''}`, {
          headers: baseHeaders,
          now: state.clock,
        })
      throw err
    }
  }
  let chain: ChainEntry[]
  try {
    chain = cachedTarget({
      requested: body.model,
      session,
      config: state.config,
      agentId: agent.agentId,
      inbound,
    }).chain
    for (const c of chain) {
      const ep = endpointFor(c.provider, state.config, state.refValue)
      if (!ep) {
        return fail(
          404,
          'model_not_found',
          `Unknown provider "${c.provider}": not built in and not configured under models.providers.`,
        )
      }
      // A configured header that did not resolve is an outage to report, never a request sent
      // without it (the header may carry auth or pick the account).
      if (ep.unresolvedHeaders.length > 0) {
        return fail(
          500,
          'unresolved_ref',
          `models.providers.${c.provider}.headers.${ep.unresolvedHeaders[0]} has no usable value (a SecretRef that did not resolve, or characters HTTP headers cannot carry); ${c.provider} is not called without it.`,
          'Fix the value in openclaw.json (see openclaw secrets audit for refs), then openclaw secrets reload.',
        )
      }
    }
  } catch (err) {
    if (OpenclawError.isInstance(err)) return fail(400, 'format', err.message, err.hint)
    throw err
  }

  const run = deps.runs.start(runId, agent.agentId, sessionKey, state.clock())
  res.on('close', () => {
    if (!res.writableFinished && !run.controller.signal.aborted) {
      run.stopReason ??= 'client-disconnected'
      run.controller.abort()
    }
  })
  let outcome: { state: 'final' } | { state: 'error'; error: string } = { state: 'final' }
  // Order signatures the auto pin is written under; only sessions carry pins.
  const signatures = sessionKey ? new Map<string, string>() : undefined
  const ctx: RequestContext = {
    inbound,
    body,
    rawBody,
    stream,
    clientHeaders: {
      'anthropic-version': headerValue(req, 'anthropic-version'),
      'anthropic-beta': headerValue(req, 'anthropic-beta'),
    },
    signal: run.controller.signal,
    now: state.clock,
  }
  try {
    const hooks = chatFailoverHooks({
      state,
      agent,
      runs: deps.runs,
      log: deps.log,
      runId,
      session,
      sessionKey,
      signatures,
      ctx,
    })
    // Models routed to the claude-cli runtime are served by `claude -p`, wherever they sit in
    // the chain; HTTP models around them go through the failover loop. A failure of either
    // moves on to the next model, and the final answer lists every attempt.
    const prior: AttemptRecord[] = []
    let lastCli: OpenclawError | undefined
    let rest: readonly ChainEntry[] = chain
    let result: FailoverResult<UpstreamSuccess> | undefined
    for (;;) {
      const cliAt = rest.findIndex((e) => routedToClaudeCli(state.config, e))
      const http = cliAt === -1 ? rest : rest.slice(0, cliAt)
      if (http.length > 0) {
        result = await runFailover(http, hooks)
        if (result.ok || result.errorType === 'format' || result.errorType === 'aborted') break
        prior.push(...result.attempts)
        lastCli = undefined
      }
      if (cliAt === -1) break
      const entry = rest[cliAt]!
      deps.runs.update(runId, entry.provider, entry.model)
      try {
        return await serveViaClaudeCli({
          res,
          inbound,
          body,
          stream,
          entry,
          state,
          agent,
          signal: run.controller.signal,
          headers: baseHeaders,
        })
      } catch (err) {
        if (!OpenclawError.isInstance(err) || res.headersSent || run.controller.signal.aborted) throw err
        lastCli = err
        prior.push({
          provider: entry.provider,
          model: entry.model,
          source: 'claude-cli',
          outcome: err.code === 'no_credentials' ? 'no_credentials' : 'unknown',
          detail: err.message,
        })
      }
      rest = rest.slice(cliAt + 1)
      result = undefined
    }
    if (!result?.ok && lastCli && prior.length === 1) {
      // Only the claude-cli model was tried: its own error says it best.
      outcome = { state: 'error', error: lastCli.message }
      return fail(lastCli.httpStatus, lastCli.code, lastCli.message, lastCli.hint)
    }
    if (!result || (!result.ok && prior.length > result.attempts.length)) {
      result = failoverFailure(prior, state.clock(), result && !result.ok ? result.hint : lastCli?.hint)
    }
    if (!result.ok) {
      outcome = { state: 'error', error: result.message }
      if (result.errorType === 'aborted') {
        if (run.stopReason === 'auth-revoked') {
          return writeGatewayError(
            res,
            inbound,
            { status: 401, kind: 'auth_revoked', message: revokedMessage(run.provider), runId },
            baseHeaders,
          )
        }
        return void res.destroy()
      }
      return writeGatewayError(
        res,
        inbound,
        {
          status: result.status,
          kind: result.errorType,
          message: result.message,
          runId,
          attempts: result.attempts,
          ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}),
          ...(result.hint ? { hint: result.hint } : {}),
        },
        baseHeaders,
      )
    }
    const c = result.candidate
    baseHeaders['x-openclaw-auth-profile'] =
      c.kind === 'profile' ? c.profileId : c.source.replace(/^env: /, 'env:')
    await writeUpstreamSuccess(res, result.value, {
      inbound,
      stream,
      headers: baseHeaders,
      now: state.clock,
      stopMessage: () => (run.stopReason === 'auth-revoked' ? revokedMessage(run.provider) : undefined),
    })
  } catch (err) {
    outcome = { state: 'error', error: (err as Error).message }
    throw err
  } finally {
    deps.runs.finish(runId, outcome)
  }
}

/** The model a chat-command request names itself, when it names a valid one. */
function requestedModel(
  model: unknown,
  state: GatewayState,
  agentId: string,
  inbound: InboundApi,
): ModelRef | undefined {
  if (typeof model !== 'string' || model.trim() === '' || model.trim() === 'default') return undefined
  try {
    return cachedTarget({ requested: model, session: undefined, config: state.config, agentId, inbound })
      .primary
  } catch {
    return undefined
  }
}

function revokedMessage(provider: string | undefined): string {
  return `The credential for ${provider ?? 'this provider'} was removed while this request was running (auth-revoked). Add a key back to continue; removal does not revoke it at the provider.`
}

function lastUserText(inbound: InboundApi, body: Record<string, unknown>): string | undefined {
  const messages = body.messages
  if (!Array.isArray(messages) || messages.length === 0) return undefined
  const last = messages[messages.length - 1] as { role?: unknown; content?: unknown }
  if (last?.role !== 'user') return undefined
  if (typeof last.content === 'string') return last.content
  if (Array.isArray(last.content)) {
    const texts = last.content
      .filter((p: { type?: unknown }) => p?.type === 'text')
      .map((p: { text?: unknown }) => String(p.text ?? ''))
    return texts.length === 1 ? texts[0] : undefined
  }
  void inbound
  return undefined
}
