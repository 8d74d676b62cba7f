/** Classifier table, Google (Gemini API and Vertex): `{error: {code, status, message, details}}`. */

import type { ClassifyCase } from './classify.cases.ts'

const google = (code: number, status: string, message: string, details?: unknown[]) =>
  JSON.stringify({ error: { code, message, status, ...(details ? { details } : {}) } })

export const GOOGLE_CASES: ClassifyCase[] = [
  {
    name: 'google 429 RESOURCE_EXHAUSTED with RetryInfo',
    input: {
      provider: 'google',
      status: 429,
      bodyText: google(
        429,
        'RESOURCE_EXHAUSTED',
        'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
        [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' }],
      ),
    },
    reason: 'rate_limit',
    retryAfterMs: 37_000,
  },
  {
    name: 'google streaming array body, status only in the body',
    input: {
      provider: 'google',
      bodyText: `[${google(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).')}]`,
    },
    reason: 'rate_limit',
  },
  {
    name: 'google 400 INVALID_ARGUMENT',
    input: {
      provider: 'google',
      status: 400,
      bodyText: google(
        400,
        'INVALID_ARGUMENT',
        'Invalid JSON payload received. Unknown name "foo" at \'generation_config\': Cannot find field.',
      ),
    },
    reason: 'format',
  },
  {
    name: 'google 400 API_KEY_INVALID is auth, not format',
    input: {
      provider: 'google',
      status: 400,
      bodyText: google(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'API_KEY_INVALID',
          domain: 'googleapis.com',
        },
      ]),
    },
    reason: 'auth',
  },
  {
    name: 'google 403 PERMISSION_DENIED API key not valid',
    input: {
      provider: 'google',
      status: 403,
      bodyText: google(403, 'PERMISSION_DENIED', 'API key not valid. Please pass a valid API key.'),
    },
    reason: 'auth',
  },
  {
    name: 'google 403 insufficient scopes is auth, never rate_limit (openclaw#13909)',
    input: {
      provider: 'google-vertex',
      status: 403,
      bodyText: google(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.'),
    },
    reason: 'auth',
  },
  {
    name: 'google 403 billing not enabled',
    input: {
      provider: 'google-vertex',
      status: 403,
      bodyText: google(
        403,
        'PERMISSION_DENIED',
        'This API method requires billing to be enabled. Please enable billing on project #123456 by visiting https://console.developers.google.com/billing/enable?project=123456 then retry.',
      ),
    },
    reason: 'billing',
  },
  {
    name: 'google 404 model not found for API version',
    input: {
      provider: 'google',
      status: 404,
      bodyText: google(
        404,
        'NOT_FOUND',
        'models/gemini-9.0-pro is not found for API version v1beta, or is not supported for generateContent.',
      ),
    },
    reason: 'model_not_found',
  },
  {
    name: 'google 500 INTERNAL is server_error, not rate_limit (#22294)',
    input: {
      provider: 'google',
      status: 500,
      bodyText: google(
        500,
        'INTERNAL',
        'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
      ),
    },
    reason: 'server_error',
  },
  {
    name: 'google 503 UNAVAILABLE overloaded is not rate_limit (#22294)',
    input: {
      provider: 'google',
      status: 503,
      bodyText: google(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'),
    },
    reason: 'overloaded',
  },
  {
    name: 'google 503 UNAVAILABLE service unavailable',
    input: {
      provider: 'google',
      status: 503,
      bodyText: google(503, 'UNAVAILABLE', 'The service is currently unavailable.'),
    },
    reason: 'server_error',
  },
]
