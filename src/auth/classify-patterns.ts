/**
 * Text patterns for failure classification, matched against one lower-cased haystack
 * (message + type + code + wrapped upstream detail). Kept apart from the decision order in
 * classify.ts so the wording lists can grow without touching precedence.
 */

export type Patterns = readonly RegExp[]

export function matchesAny(text: string, patterns: Patterns): boolean {
  return patterns.some((pattern) => pattern.test(text))
}

/** Anthropic refuses Claude Code subscription tokens outside Claude Code; no retry can help. */
export const CLAUDE_CODE_ONLY: Patterns = [/only authorized for use with claude code/]

/** Usage windows and spend caps recover on their own, so they cool down instead of disabling. */
export const PERIODIC_LIMIT: Patterns = [
  /\b(daily|weekly|monthly|hourly|5[- ]hour) (usage |token |request |spend(ing)? )?limit/,
  /\busage limit\b/,
  /\bspend(ing)? limit/,
  /\bspend cap\b/,
  /\bresets? (at|in|on|tomorrow|after|every)\b/,
  /\bwill reset\b/,
  // LiteLLM-style proxy budgets reset on a schedule; a long disable froze whole proxies (#64224).
  /\bbudget (has been |was )?exceeded\b/,
  /\bexceeded\b.{0,30}\bbudget\b/,
]

/** Credit/balance wording that means money, whatever the status code. */
export const BILLING_STRONG: Patterns = [
  /\binsufficient[_ ](credits?|funds|balance)\b/,
  /\bcredit balance (is )?too low\b/,
  /\bpayment[_ ]required\b/,
  /\binsufficient_quota\b/,
  /\bout of credits\b/,
  /\b(no|not enough) credits\b/,
  /\bpurchase (more )?credits\b/,
  /\brequires billing to be enabled\b/,
  /\bbilling (is )?(not (enabled|active)|disabled|inactive)\b/,
  /\benable billing\b/,
  /\baccount (is )?(in arrears|past due)\b/,
]

/** Bare words that only count as billing when nothing more specific matched. */
export const BILLING_WEAK: Patterns = [/\bbilling\b/, /\bcredits?\b/]

export const RATE_LIMIT: Patterns = [
  /\b429\b/,
  /\brate[_ -]?limit/,
  /\btoo many (concurrent )?requests\b/,
  /\bconcurrency limit\b/,
  /throttl/,
  /\bresource[_ ]exhausted\b/,
  /\bresource has been exhausted\b/,
  /\bquota[_ ]exceeded\b/,
  /\bquota limit exceeded\b/,
  /\bexceeded (your |the )?(current )?quota\b/,
  /\btokens per (min|minute|day)\b/,
]

export const OVERLOADED: Patterns = [
  /overloaded/,
  /modelnotready/,
  /\bmodel (is )?not ready\b/,
  /\b(at|over|out of|insufficient|no available|reached) capacity\b/,
  /\bcapacity (constraints?|exceeded|issues?|limits? reached)\b/,
]

/** 5xx-style wording without a status: transient, but not a rate limit (#22294). */
export const SERVER_ERROR: Patterns = [
  /\binternal server error\b/,
  /\binternal error\b/,
  /\bserver[_ ]error\b/,
  /\bbad gateway\b/,
  /\bservice (is )?(temporarily |currently )?unavailable\b/,
  /\bserviceunavailable/,
  /\bupstream (connect )?error\b/,
  /\bbackend error\b/,
  /\bunknown error, 5\d\d\b/,
]

export const TIMEOUT: Patterns = [
  /\btimed? ?out\b/,
  /\btimeout\b/,
  /\bdeadline[_ ]exceeded\b/,
  /\betimedout\b/,
  /\beconnreset\b/,
  /\beconnrefused\b/,
  /\bepipe\b/,
  /\beai_again\b/,
  /\bsocket hang up\b/,
  /\bconnection (was )?(reset|refused|closed|terminated)\b/,
  /\bnetwork error\b/,
  /\bfetch failed\b/,
  // A stream that ended with no detail at all; transient in practice (auth spec 6.3).
  /^an unknown error occurred\.?$/,
]

/** High-confidence "this key/org is gone": retrying the same credential is pointless. */
export const AUTH_PERMANENT: Patterns = [
  /\b(api[_ ]?key|key|token|account|organi[sz]ation|workspace|project|consumer)\b.{0,60}\b(has been |was |is )(revoked|deactivated|disabled|suspended|deleted|banned|terminated)\b/,
  /\b(revoked|deactivated|suspended|disabled) (api[_ ]?key|key|token|account|organi[sz]ation|workspace)\b/,
  /\bkey_revoked\b/,
  /\baccount_deactivated\b/,
]

/** Unmistakable bad-key wording; trusted even on a 400 (Google sends API_KEY_INVALID as 400). */
export const AUTH_INVALID_KEY: Patterns = [
  /\binvalid[_ ](api[_ -]?key|x-api-key|key|token|bearer token)\b/,
  /\bapi[_ ]key[_ ]invalid\b/,
  /\bapi key not valid\b/,
  /\bincorrect api key\b/,
  /\bno api key (provided|found)\b/,
  /\bmissing (api key|authentication|credentials|authorization)\b/,
]

export const AUTH: Patterns = [
  ...AUTH_INVALID_KEY,
  /\bunauthori[sz]ed\b/,
  /\bauthentication[_ ](error|failed|required)\b/,
  /\binvalid (authentication|credentials)\b/,
  /\bpermission[_ ](error|denied)\b/,
  /\bforbidden\b/,
  /\baccess ?denied/,
  /\bnot authorized\b/,
  /\binsufficient (authentication )?scopes?\b/,
  /\bexpired\b/,
]

export const MODEL_NOT_FOUND: Patterns = [
  /\bmodel[_ ]not[_ ]found\b/,
  /\bdeploymentnotfound\b/,
  /\b(unknown|no such|unsupported) model\b/,
  /\bnot found for api version\b/,
  /\bno endpoints found\b/,
  /\b(model|deployment) [`'"]?[\w.:/@-]+[`'"]? (was |is )?(not found|does not exist|is not available)/,
]

export const FORMAT: Patterns = [
  /\binvalid_request_error\b/,
  /\binvalid[_ ]request\b/,
  /\binvalid_argument\b/,
  /\btool_use\b/,
  /\btool_use_id\b/,
  /\btool_call_id\b/,
  /\bvalidation(exception| error| failed)\b/,
  /\bcontext[_ ]length\b/,
  /\btoo (large|long)\b/,
  /\bmalformed\b/,
  /\bbad request\b/,
]

/** OpenRouter-only wording; another provider saying it means something else (auth spec 6.3). */
export const OPENROUTER_KEY_LIMIT: Patterns = [/\bkey limit exceeded\b/]
export const OPENROUTER_BARE_ERROR: Patterns = [/^provider returned error\.?$/]
