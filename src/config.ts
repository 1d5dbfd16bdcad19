import { resolve } from 'node:path'
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { DEFAULT_CONSULTATION_DEADLINES, parseDeadlines, type DeadlineRules } from './lib/deadlines.js'
import type { PrivateAddresses } from './lib/outbound-address.js'
import { AGENCY_ID_PATTERN } from './lib/agency-id.js'

/**
 * The score from which two parties are reported as a match (MATCH_PARTY_THRESHOLD's default;
 * matching/ re-exports it as the matcher's). Measured on the bench (bench/matching-eval.ts,
 * docs/matching.md): aliases that are spelling variants of each other score above it,
 * different entities with similar names below.
 */
export const DEFAULT_PARTY_THRESHOLD = 0.81
/** pg_trgm word similarity from which a distinct party is scored at all (docs/matching.md). */
export const DEFAULT_TRIGRAM_THRESHOLD = 0.5

/**
 * The only reader of `process.env`. `loadConfig(env)` parses the environment once, at an
 * entry point, into a frozen `Config`; a bad value names every offending variable.
 */
const ConfigEnv = Type.Object({
  AGENCY_ID: Type.String({ pattern: AGENCY_ID_PATTERN, default: 'local-agency', description: 'our agency id: lowercase letters, digits and dashes' }),
  AGENCY_NAME: Type.String({ minLength: 1, default: 'Local licensing agency' }),
  AGENCY_COUNTRY: Type.String({ pattern: '^[A-Z]{2}$', default: 'GB', description: 'ISO 3166-1 alpha-2' }),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://', description: 'the base URL peers reach us at' })),
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATA_DIR: Type.String({ minLength: 1, default: '.data' }),
  DB_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  KEY_ENCRYPTION_KEY: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: '32 random bytes, base64url' })),
  KEY_ENCRYPTION_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  IDP_JWKS_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  IDP_ISSUER: Type.Optional(Type.String({ minLength: 1 })),
  IDP_AUDIENCE: Type.Optional(Type.String({ minLength: 1 })),
  IDP_ROLES_CLAIM: Type.String({ minLength: 1, default: 'roles' }),
  OIDC_ISSUER_URL: Type.Optional(Type.String({ pattern: '^https?://', description: 'the web application\'s OpenID provider (discovery); unset: a development provider runs beside the server' })),
  OIDC_CLIENT_ID: Type.Optional(Type.String({ minLength: 1 })),
  OIDC_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  DEV_IDP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 0, description: 'the development OpenID provider\'s port (0: any free one); only without OIDC_ISSUER_URL' }),
  SESSION_MAX_HOURS: Type.Number({ minimum: 0.01, maximum: 24, default: 8, description: 'a web session ends this long after sign-in' }),
  SESSION_IDLE_MINUTES: Type.Number({ minimum: 1, maximum: 1440, default: 30, description: 'a web session ends after this long without a request' }),
  UI_TIME_ZONE: Type.String({ minLength: 1, default: 'UTC', description: 'the time zone pages show times in (IANA name)' }),
  UI_LOCALE: Type.String({ minLength: 2, default: 'en-GB', description: 'the locale pages format dates and numbers in (BCP 47)' }),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 1_048_576 }),
  IMPORT_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 536_870_912 }),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 900_000, description: 'the whole request, body included: a bulk import is read at the speed it is stored' }),
  HEADERS_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 15_000, description: 'a connection that has not sent a whole request line and headers within this long is closed (408)' }),
  UPLOAD_IDLE_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 30_000, description: 'a request body that sends nothing for this long is cut off (408)' }),
  UPLOAD_MIN_BYTES_PER_SECOND: Type.Integer({ minimum: 0, default: 1024, description: 'a bulk import slower than this, averaged over UPLOAD_RATE_WINDOW_MS, is cut off (408); 0: no minimum' }),
  UPLOAD_RATE_WINDOW_MS: Type.Integer({ minimum: 100, default: 10_000, description: 'the window over which an upload\'s rate is measured' }),
  IMPORT_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 4, description: 'bulk imports at once, one per caller; beyond, 503 (429 for a second one of the same caller) with Retry-After' }),
  RATE_LIMIT_WINDOW_SECONDS: Type.Integer({ minimum: 1, maximum: 3600, default: 60, description: 'the window the rate limits count requests in' }),
  RATE_LIMIT_SCREENING: Type.Integer({ minimum: 0, default: 120, description: 'screenings (POST /v1/screenings) per caller per window; 0: no limit' }),
  RATE_LIMIT_IMPORT: Type.Integer({ minimum: 0, default: 10, description: 'bulk imports per caller per window; 0: no limit' }),
  RATE_LIMIT_FEED: Type.Integer({ minimum: 0, default: 1200, description: 'feed, feed head and inbox requests per partner agency per window; 0: no limit' }),
  RATE_LIMIT_API: Type.Integer({ minimum: 0, default: 600, description: 'other requests per user per window; 0: no limit' }),
  RATE_LIMIT_PUBLIC: Type.Integer({ minimum: 0, default: 300, description: 'requests per IP address per window to routes anyone may call (health checks excepted); 0: no limit' }),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16, description: 'when set, GET /metrics needs Authorization: Bearer <this token>' })),
  DB_STATEMENT_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 0, description: 'longest statement on the main pool, in ms (0: none; the reserved pool always cuts at 5 s)' }),
  DB_RESERVED_POOL_SIZE: Type.Integer({ minimum: 0, maximum: 20, default: 2, description: 'connections kept apart for health checks, the feed, its head and the JWKS (0: share the main pool)' }),
  FEED_PAGE_MAX: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }),
  FEED_CACHE_BYTES: Type.Integer({ minimum: 0, default: 33_554_432, description: 'memory for full feed pages every peer sees alike (0: no cache)' }),
  DENIAL_REVIEW_YEARS: Type.Integer({ minimum: 1, maximum: 50, default: 3 }),
  PARTNER_TOKEN_MAX_SECONDS: Type.Integer({ minimum: 10, maximum: 300, default: 300 }),
  PEER_JWKS_COOLDOWN_SECONDS: Type.Integer({ minimum: 0, default: 60, description: 'minimum time between two fetches of a peer\'s JWKS on an unknown kid' }),
  SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 0, default: 10_000 }),
  PUSH_ON_PUBLISH: Type.Boolean({ default: true, description: 'push urgent entries (denials, revocations, renewals) to the inboxes of the peers that may see them as soon as they are published' }),
  PUSH_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 20, default: 5 }),
  SYNC_IN_PROCESS: Type.Boolean({ default: false, description: 'also run the sync worker inside the API process' }),
  SYNC_PAGE_SIZE: Type.Integer({ minimum: 1, maximum: 10_000, default: 500 }),
  SYNC_INTERVAL_SECONDS: Type.Number({ minimum: 0, default: 30 }),
  SYNC_LEASE_SECONDS: Type.Integer({ minimum: 5, default: 60 }),
  SYNC_CONNECT_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 5_000 }),
  SYNC_RESPONSE_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 60_000 }),
  SYNC_MAX_RESPONSE_BYTES: Type.Integer({ minimum: 1024, default: 33_554_432 }),
  OUTBOUND_PRIVATE_ADDRESSES: Type.Union([Type.Literal('allow'), Type.Literal('refuse')], { default: 'allow', description: 'refuse: requests to peers, their JWKS and any administrator-given URL never reach loopback, link-local or private addresses (set it in production); allow: agencies on one host or private network (the demo, docker-compose, tests)' }),
  SYNC_BACKOFF_BASE_MS: Type.Integer({ minimum: 1, default: 1_000 }),
  SYNC_BACKOFF_CAP_MS: Type.Integer({ minimum: 1, default: 300_000 }),
  MATCH_PARTY_THRESHOLD: Type.Number({ minimum: 0.5, maximum: 1, default: DEFAULT_PARTY_THRESHOLD, description: 'party match score from which a screening reports a hit (docs/matching.md)' }),
  MATCH_TRIGRAM_THRESHOLD: Type.Number({ minimum: 0.1, maximum: 1, default: DEFAULT_TRIGRAM_THRESHOLD, description: 'pg_trgm word similarity from which a party is a candidate for scoring' }),
  DIVERGENCE_DESCRIPTION_THRESHOLD: Type.Number({ minimum: 0.5, maximum: 1, default: 0.8, description: 'description similarity from which two classified items without part numbers are the same item' }),
  CONSULTATION_DEADLINES: Type.String({ default: DEFAULT_CONSULTATION_DEADLINES, description: 'the period a consulted agency has to reply, per regime: regime=Nd (calendar days), Nwd (working days) or Nw (weeks), comma-separated, with a default entry' }),
  MATCH_CANDIDATES: Type.Integer({ minimum: 10, maximum: 5_000, default: 200, description: 'candidates scored per screened party (and per application for items)' }),
  OUTBOX_INTERVAL_SECONDS: Type.Number({ minimum: 0.1, default: 2, description: 'how often the outbox (consultation messages, webhooks, e-mail) is looked at for what is due' }),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://', description: 'the SMTP server alerts are e-mailed through, e.g. smtp://mail.agency.example:587; unset: no e-mail' })),
  ALERT_EMAIL_FROM: Type.String({ minLength: 3, default: 'reciprocity@localhost', description: 'the From address of alert e-mails' }),
  ALERT_EMAILS: Type.String({ default: '', description: 'who is e-mailed alerts: role=address (officer, auditor, admin: the kind of alert and a link) or user:<sign-in id>=address (that user\'s own alerts, in full), comma-separated' }),
  ALERT_DEADLINE_DAYS: Type.Integer({ minimum: 0, maximum: 60, default: 3, description: 'days before a consultation\'s deadline that an alert says it approaches' }),
  ALERT_REVIEW_DAYS: Type.Integer({ minimum: 0, maximum: 365, default: 30, description: 'days before the end of our denial\'s review window that an alert says it is due' }),
  ALERT_PEER_LAG_SECONDS: Type.Integer({ minimum: 60, default: 3_600, description: 'a peer not synced for this long raises an alert for the administrators' }),
  WITNESS_INTERVAL_SECONDS: Type.Number({ minimum: 0.1, default: 60, description: 'how often we ask every peer what it holds of every feed (ours included) and check it against our copies (docs/federation.md)' }),
  WITNESS_QUORUM: Type.Integer({ minimum: 0, maximum: 50, default: 0, description: 'allies (other than the peer) that must have co-signed a peer\'s feed up to an entry before the entry counts for divergence detection and alerts; 0: none' }),
  ACCEPT_INTRODUCTIONS_FROM: Type.String({ default: '', description: 'peers whose introductions of a newcomer (an introduction entry of their feed) we enrol: agency ids, comma-separated, or * for every active peer; empty: none' }),
  AUDIT_ANCHOR_INTERVAL_SECONDS: Type.Number({ minimum: 1, default: 300, description: 'how often the head of our audit trail is signed into our feed (when it moved), so that a trail cut in the database is found by `audit verify`' }),
  FEED_RECOVERY_ON_START: Type.Boolean({ default: true, description: 'at start, hold publishing until a peer has said what it holds of our feed, and recover what it holds beyond our head (a restored database)' })
})
type ConfigEnv = Static<typeof ConfigEnv>

/** Every environment variable the configuration reads (the README's table lists each one). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(ConfigEnv.properties)

export type Role = 'officer' | 'auditor' | 'admin'

export interface IdentityProviderConfig {
  /** Remote IdP: verify bearer tokens against this JWKS. Absent: the local development IdP. */
  jwksUrl: string | undefined
  issuer: string
  audience: string
  rolesClaim: string
}

/** The web application (src/web): its identity provider, sessions and how it shows dates. */
export interface WebConfig {
  /** The OpenID provider and this client's registration at it; undefined: the development provider. */
  oidc: { issuerUrl: string, clientId: string, clientSecret: string } | undefined
  devIdpPort: number
  sessionMaxMs: number
  sessionIdleMs: number
  timeZone: string
  locale: string
}

export interface Config {
  agency: { id: string, name: string, country: string, publicUrl: string }
  host: string
  port: number
  databaseUrl: string | undefined
  dataDir: string
  dbPoolSize: number
  keyEncryptionKey: { value: string } | { file: string } | { generatedIn: string }
  idp: IdentityProviderConfig
  web: WebConfig
  logLevel: string
  bodyLimitBytes: number
  importLimitBytes: number
  requestTimeoutMs: number
  /** HEADERS_TIMEOUT_MS, at most requestTimeoutMs. */
  headersTimeoutMs: number
  /** How slowly a request body may arrive, and how many bulk imports run at once. */
  uploads: { idleTimeoutMs: number, minBytesPerSecond: number, rateWindowMs: number, importConcurrency: number }
  /** The main pool's statement timeout, and the connections kept for what must keep answering. */
  dbStatementTimeoutMs: number
  dbReservedPoolSize: number
  /** Requests per caller per window, by route class (0: no limit). */
  rateLimits: RateLimits
  /** The bearer token GET /metrics needs; undefined: anyone may read it. */
  metricsToken: string | undefined
  feedPageMax: number
  feedCacheBytes: number
  denialReviewYears: number
  partnerTokenMaxSeconds: number
  peerJwksCooldownSeconds: number
  shutdownGraceMs: number
  sync: SyncConfig
  matching: MatchingConfig
  /** Thresholds of the divergence rules (src/divergence/rules.ts). */
  divergence: { partyThreshold: number, trigramThreshold: number, descriptionThreshold: number }
  /** Consultations between agencies (src/consultations). */
  consultation: { deadlines: DeadlineRules }
  alerts: AlertsConfig
  /** Witnesses and recovery (docs/federation.md). */
  federation: { witnessIntervalSeconds: number, witnessQuorum: number, recoveryOnStart: boolean, auditAnchorIntervalSeconds: number, acceptIntroductionsFrom: readonly string[] }
}

/** Alerts and their delivery (src/alerts, src/outbox). */
export interface AlertsConfig {
  outboxIntervalSeconds: number
  smtpUrl: string | undefined
  emailFrom: string
  /** Addresses e-mailed the alerts of a role (the kind and a link), and a user's own alerts (in full). */
  emails: { roles: Readonly<Record<string, readonly string[]>>, users: Readonly<Record<string, readonly string[]>> }
  deadlineDays: number
  reviewDays: number
  peerLagSeconds: number
}

export type RateLimitClass = 'screening' | 'import' | 'feed' | 'api' | 'public'

export interface RateLimits {
  windowSeconds: number
  perWindow: Readonly<Record<RateLimitClass, number>>
}

export interface MatchingConfig {
  partyThreshold: number
  trigramThreshold: number
  candidates: number
}

export interface SyncConfig {
  pushOnPublish: boolean
  pushAttempts: number
  inProcess: boolean
  pageSize: number
  intervalSeconds: number
  leaseSeconds: number
  connectTimeoutMs: number
  responseTimeoutMs: number
  maxResponseBytes: number
  /** OUTBOUND_PRIVATE_ADDRESSES: for every request to a peer or an administrator-given URL, not only the sync's. */
  privateAddresses: PrivateAddresses
  backoffBaseMs: number
  backoffCapMs: number
}

export class ConfigError extends Error {
  readonly problems: string[]
  constructor (problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

export function loadConfig (env: NodeJS.ProcessEnv | Record<string, string | undefined>): Config {
  const known = Object.fromEntries(Object.keys(ConfigEnv.properties)
    .filter((key) => env[key] !== undefined && env[key] !== '')
    .map((key) => [key, env[key]]))
  const raw = Value.Convert(ConfigEnv, Value.Default(ConfigEnv, known))
  const problems = [...Value.Errors(ConfigEnv, raw)].map((e) => `${e.path.slice(1) || '(env)'}: ${e.message} (got ${JSON.stringify(e.value)})`)
  if (problems.length > 0) throw new ConfigError(problems)
  const c = raw as ConfigEnv
  const idpPartial = [c.IDP_JWKS_URL, c.IDP_ISSUER].filter((v) => v !== undefined).length
  if (idpPartial === 1) throw new ConfigError(['IDP_JWKS_URL and IDP_ISSUER: set both (a real identity provider) or neither (the local development one)'])
  const oidcSet = [c.OIDC_ISSUER_URL, c.OIDC_CLIENT_ID, c.OIDC_CLIENT_SECRET].filter((v) => v !== undefined).length
  if (oidcSet !== 0 && oidcSet !== 3) throw new ConfigError(['OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET: set all three (the agency\'s OpenID provider) or none (the development one)'])
  if (!isTimeZone(c.UI_TIME_ZONE)) throw new ConfigError([`UI_TIME_ZONE: not a time zone this runtime knows (got ${JSON.stringify(c.UI_TIME_ZONE)})`])
  if (!isLocale(c.UI_LOCALE)) throw new ConfigError([`UI_LOCALE: not a BCP 47 locale (got ${JSON.stringify(c.UI_LOCALE)})`])
  const introducers = c.ACCEPT_INTRODUCTIONS_FROM.split(',').map((s) => s.trim()).filter((s) => s !== '')
  const notIds = introducers.filter((s) => s !== '*' && !new RegExp(AGENCY_ID_PATTERN).test(s))
  if (notIds.length > 0) throw new ConfigError([`ACCEPT_INTRODUCTIONS_FROM: agency ids (or *), comma-separated; not ${notIds.map((s) => JSON.stringify(s)).join(', ')}`])
  if (c.KEY_ENCRYPTION_KEY !== undefined && c.KEY_ENCRYPTION_KEY_FILE !== undefined) {
    throw new ConfigError(['KEY_ENCRYPTION_KEY and KEY_ENCRYPTION_KEY_FILE: set one, not both'])
  }
  let deadlines: DeadlineRules
  try {
    deadlines = parseDeadlines(c.CONSULTATION_DEADLINES)
  } catch (err) {
    throw new ConfigError([`CONSULTATION_DEADLINES: ${(err as Error).message} (got ${JSON.stringify(c.CONSULTATION_DEADLINES)})`])
  }
  let emails: AlertsConfig['emails']
  try {
    emails = parseAlertEmails(c.ALERT_EMAILS)
  } catch (err) {
    throw new ConfigError([`ALERT_EMAILS: ${(err as Error).message} (got ${JSON.stringify(c.ALERT_EMAILS)})`])
  }
  const dataDir = resolve(c.DATA_DIR)
  const publicUrl = (c.PUBLIC_URL ?? `http://${c.HOST}:${c.PORT}`).replace(/\/+$/, '')
  return Object.freeze({
    agency: Object.freeze({ id: c.AGENCY_ID, name: c.AGENCY_NAME, country: c.AGENCY_COUNTRY, publicUrl }),
    host: c.HOST,
    port: c.PORT,
    databaseUrl: c.DATABASE_URL,
    dataDir,
    dbPoolSize: c.DB_POOL_SIZE,
    keyEncryptionKey: c.KEY_ENCRYPTION_KEY !== undefined
      ? { value: c.KEY_ENCRYPTION_KEY }
      : c.KEY_ENCRYPTION_KEY_FILE !== undefined ? { file: resolve(c.KEY_ENCRYPTION_KEY_FILE) } : { generatedIn: dataDir },
    idp: Object.freeze({
      jwksUrl: c.IDP_JWKS_URL,
      issuer: c.IDP_ISSUER ?? localIdpIssuer(c.AGENCY_ID),
      audience: c.IDP_AUDIENCE ?? c.AGENCY_ID,
      rolesClaim: c.IDP_ROLES_CLAIM
    }),
    web: Object.freeze({
      oidc: c.OIDC_ISSUER_URL !== undefined && c.OIDC_CLIENT_ID !== undefined && c.OIDC_CLIENT_SECRET !== undefined
        ? Object.freeze({ issuerUrl: c.OIDC_ISSUER_URL, clientId: c.OIDC_CLIENT_ID, clientSecret: c.OIDC_CLIENT_SECRET })
        : undefined,
      devIdpPort: c.DEV_IDP_PORT,
      sessionMaxMs: Math.round(c.SESSION_MAX_HOURS * 3_600_000),
      sessionIdleMs: Math.round(c.SESSION_IDLE_MINUTES * 60_000),
      timeZone: c.UI_TIME_ZONE,
      locale: c.UI_LOCALE
    }),
    logLevel: c.LOG_LEVEL,
    bodyLimitBytes: c.BODY_LIMIT_BYTES,
    importLimitBytes: c.IMPORT_LIMIT_BYTES,
    requestTimeoutMs: c.REQUEST_TIMEOUT_MS,
    headersTimeoutMs: Math.min(c.HEADERS_TIMEOUT_MS, c.REQUEST_TIMEOUT_MS),
    uploads: Object.freeze({
      idleTimeoutMs: c.UPLOAD_IDLE_TIMEOUT_MS,
      minBytesPerSecond: c.UPLOAD_MIN_BYTES_PER_SECOND,
      rateWindowMs: c.UPLOAD_RATE_WINDOW_MS,
      importConcurrency: c.IMPORT_CONCURRENCY
    }),
    dbStatementTimeoutMs: c.DB_STATEMENT_TIMEOUT_MS,
    dbReservedPoolSize: c.DB_RESERVED_POOL_SIZE,
    rateLimits: Object.freeze({
      windowSeconds: c.RATE_LIMIT_WINDOW_SECONDS,
      perWindow: Object.freeze({ screening: c.RATE_LIMIT_SCREENING, import: c.RATE_LIMIT_IMPORT, feed: c.RATE_LIMIT_FEED, api: c.RATE_LIMIT_API, public: c.RATE_LIMIT_PUBLIC })
    }),
    metricsToken: c.METRICS_TOKEN,
    feedPageMax: c.FEED_PAGE_MAX,
    feedCacheBytes: c.FEED_CACHE_BYTES,
    denialReviewYears: c.DENIAL_REVIEW_YEARS,
    partnerTokenMaxSeconds: c.PARTNER_TOKEN_MAX_SECONDS,
    peerJwksCooldownSeconds: c.PEER_JWKS_COOLDOWN_SECONDS,
    shutdownGraceMs: c.SHUTDOWN_GRACE_MS,
    sync: Object.freeze({
      pushOnPublish: c.PUSH_ON_PUBLISH,
      pushAttempts: c.PUSH_ATTEMPTS,
      inProcess: c.SYNC_IN_PROCESS,
      pageSize: c.SYNC_PAGE_SIZE,
      intervalSeconds: c.SYNC_INTERVAL_SECONDS,
      leaseSeconds: c.SYNC_LEASE_SECONDS,
      connectTimeoutMs: c.SYNC_CONNECT_TIMEOUT_MS,
      responseTimeoutMs: c.SYNC_RESPONSE_TIMEOUT_MS,
      maxResponseBytes: c.SYNC_MAX_RESPONSE_BYTES,
      privateAddresses: c.OUTBOUND_PRIVATE_ADDRESSES,
      backoffBaseMs: c.SYNC_BACKOFF_BASE_MS,
      backoffCapMs: c.SYNC_BACKOFF_CAP_MS
    }),
    matching: Object.freeze({
      partyThreshold: c.MATCH_PARTY_THRESHOLD,
      trigramThreshold: c.MATCH_TRIGRAM_THRESHOLD,
      candidates: c.MATCH_CANDIDATES
    }),
    divergence: Object.freeze({
      partyThreshold: c.MATCH_PARTY_THRESHOLD,
      trigramThreshold: c.MATCH_TRIGRAM_THRESHOLD,
      descriptionThreshold: c.DIVERGENCE_DESCRIPTION_THRESHOLD
    }),
    consultation: Object.freeze({ deadlines }),
    alerts: Object.freeze({
      outboxIntervalSeconds: c.OUTBOX_INTERVAL_SECONDS,
      smtpUrl: c.SMTP_URL,
      emailFrom: c.ALERT_EMAIL_FROM,
      emails,
      deadlineDays: c.ALERT_DEADLINE_DAYS,
      reviewDays: c.ALERT_REVIEW_DAYS,
      peerLagSeconds: c.ALERT_PEER_LAG_SECONDS
    }),
    federation: Object.freeze({
      witnessIntervalSeconds: c.WITNESS_INTERVAL_SECONDS,
      witnessQuorum: c.WITNESS_QUORUM,
      recoveryOnStart: c.FEED_RECOVERY_ON_START,
      auditAnchorIntervalSeconds: c.AUDIT_ANCHOR_INTERVAL_SECONDS,
      acceptIntroductionsFrom: Object.freeze(introducers)
    })
  })
}

const ROLES_EMAILED: readonly string[] = ['officer', 'auditor', 'admin']
const EMAIL = /^[^\s@,=]+@[^\s@,=]+$/

/** ALERT_EMAILS: `role=address` and `user:<id>=address` entries, comma-separated. */
function parseAlertEmails (text: string): AlertsConfig['emails'] {
  const roles: Record<string, string[]> = {}
  const users: Record<string, string[]> = {}
  for (const entry of text.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const at = entry.lastIndexOf('=')
    const who = entry.slice(0, at).trim()
    const address = entry.slice(at + 1).trim()
    if (at <= 0 || !EMAIL.test(address)) throw new Error(`"${entry}" is not who=address with an e-mail address`)
    if (who.startsWith('user:') && who.length > 5) (users[who.slice(5)] ??= []).push(address)
    else if (ROLES_EMAILED.includes(who)) (roles[who] ??= []).push(address)
    else throw new Error(`"${who}" is neither a role (${ROLES_EMAILED.join(', ')}) nor user:<sign-in id>`)
  }
  return { roles, users }
}

export const localIdpIssuer = (agencyId: string) => `urn:reciprocity:${agencyId}:local-idp`

function isTimeZone (zone: string): boolean {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone !== ''
  } catch {
    return false
  }
}

function isLocale (locale: string): boolean {
  try {
    return Intl.getCanonicalLocales(locale).length === 1
  } catch {
    return false
  }
}

/** For entry points: the config, or a message naming every bad variable and exit code 78 (EX_CONFIG). */
export function loadConfigOrExit (env: NodeJS.ProcessEnv): Config {
  try {
    return loadConfig(env)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`${err.message}\n`)
    process.exit(78)
  }
}
