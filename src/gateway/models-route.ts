/**
 * GET /v1/models: the models an agent can use, in the OpenAI list shape, or the Anthropic one
 * when the client sends anthropic-version.
 */
import type http from 'node:http'
import { agentModelSelection } from '../auth/model-ref.ts'
import { OpenclawError } from '../errors.ts'
import { listModels } from './chat-commands.ts'
import type { GatewayState } from './gateway-state.ts'
import { headerValue, sendJson } from './http-util.ts'

export function sendModels(req: http.IncomingMessage, res: http.ServerResponse, state: GatewayState): void {
  let view: ReturnType<GatewayState['view']>
  try {
    view = state.view(headerValue(req, 'x-openclaw-agent-id'))
  } catch (err) {
    const msg = OpenclawError.isInstance(err) ? err.message : 'bad request'
    sendJson(res, 400, { error: { type: 'invalid_request_error', message: msg } })
    return
  }
  const ids = listModels(view)
  const primary = agentModelSelection(view.config, view.agentId).primary
  if (headerValue(req, 'anthropic-version')) {
    const data = ids.map((id) => ({
      type: 'model',
      id,
      display_name: id,
      created_at: '1970-01-01T00:00:00Z',
    }))
    sendJson(res, 200, {
      data,
      has_more: false,
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
    })
    return
  }
  sendJson(res, 200, {
    object: 'list',
    data: ids.map((id) => ({
      id,
      object: 'model',
      created: 0,
      owned_by: id.split('/')[0],
      ...(id === primary ? { default: true } : {}),
    })),
  })
}
