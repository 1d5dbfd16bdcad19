import { loadConfigOrExit } from '../config.js'
import { systemClock } from '../lib/clock.js'
import { issueLocalUserToken, type UserRole } from '../signing/index.js'
import type { Command } from './main.js'
import { print, usageError } from './services.js'

const USAGE = 'token --role officer|auditor|admin [--role ...] --sub NAME [--ttl SECONDS]'
const ROLES: readonly string[] = ['officer', 'auditor', 'admin'] satisfies UserRole[]
const MAX_TTL_SECONDS = 7 * 24 * 3600

/**
 * `token`: a bearer token from the local development identity provider (its key lives in
 * DATA_DIR, so run it with the server's AGENCY_ID and DATA_DIR). Prints the token alone on
 * stdout. Refused when a real identity provider is configured (IDP_JWKS_URL).
 */
export const tokenCommand: Command = {
  summary: 'Issue a local development bearer token for an officer, auditor or administrator',
  usage: USAGE,
  options: { role: { type: 'string', multiple: true }, sub: { type: 'string' }, ttl: { type: 'string' } },
  async run ({ values }) {
    const roles = [...new Set([values.role ?? []].flat().filter((r) => typeof r === 'string'))]
    const unknown = roles.filter((r) => !ROLES.includes(r))
    if (roles.length === 0 || unknown.length > 0) {
      return usageError('token', USAGE, roles.length === 0 ? 'give at least one --role' : `unknown role ${unknown.map((r) => `"${r}"`).join(', ')}`)
    }
    const subject = values.sub
    if (typeof subject !== 'string' || subject.trim() === '') return usageError('token', USAGE, 'give the subject with --sub NAME')
    const ttl = values.ttl === undefined ? 3600 : Number(values.ttl)
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS) return usageError('token', USAGE, `--ttl must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS}`)
    const config = loadConfigOrExit(process.env)
    print(await issueLocalUserToken(config.dataDir, config.idp, { subject, roles: roles as UserRole[], lifetimeSeconds: ttl }, systemClock))
    return 0
  }
}
