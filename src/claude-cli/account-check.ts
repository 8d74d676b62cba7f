/**
 * Before spawning `claude` on its own login we check it is the account the operator linked
 * (auth-spec 2.9): a host that was re-logged into another account must not silently bill or
 * serve as someone else. Mismatch or no login fails before spawn with the exact commands.
 */
import { OpenclawError } from '../errors.ts'
import type { ClaudeAccount, ClaudeCliLogin } from './credentials.ts'

export const RELINK_COMMAND = 'openclaw models auth login --provider anthropic --method cli'

export function checkClaudeAccount(
  login: ClaudeCliLogin,
  expected: ClaudeAccount | undefined,
): OpenclawError | undefined {
  if (!login.loggedIn) {
    return new OpenclawError(
      'no_credentials',
      `The host's Claude Code CLI is not logged in (no token in ${login.credentialsPath}).`,
      {
        httpStatus: 401,
        hint: `Run \`claude auth login\` on this host, then: ${RELINK_COMMAND}`,
      },
    )
  }
  if (!expected || (!expected.email && !expected.accountUuid)) return undefined
  const got = login.account
  const sameUuid =
    expected.accountUuid && got?.accountUuid ? expected.accountUuid === got.accountUuid : undefined
  const sameEmail =
    expected.email && got?.email ? expected.email.toLowerCase() === got.email.toLowerCase() : undefined
  if (sameUuid === true || (sameUuid === undefined && sameEmail === true)) return undefined
  const want = expected.email ?? expected.accountUuid
  const have = got?.email ?? got?.accountUuid ?? 'an unknown account'
  return new OpenclawError(
    'invalid_credential',
    `The host's \`claude\` is logged in as ${have}, but the claude-cli backend is linked to ${want}; refusing to run it as another account.`,
    {
      httpStatus: 401,
      hint: `Log claude back in as ${want}: claude auth logout && claude auth login. Or link the new account: ${RELINK_COMMAND}`,
      details: { expected: want, actual: have },
    },
  )
}
