import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { Logger } from 'pino'
import { buildApp } from '../app.js'
import { loadConfig, type Config } from '../config.js'
import type { Clock } from '../lib/clock.js'
import { enrolPeer } from '../use-cases/index.js'
import { wireServices } from '../wiring.js'

export interface DemoAgencySpec { id: string, name: string, country: string, referencePrefix: string }

export const DEMO_AGENCIES: readonly DemoAgencySpec[] = [
  { id: 'uk-ecju', name: 'UK Export Control Joint Unit', country: 'GB', referencePrefix: 'GBSIEL' },
  { id: 'fr-sbdu', name: 'Service des biens à double usage', country: 'FR', referencePrefix: 'FRSBDU' },
  { id: 'de-bafa', name: 'Bundesamt für Wirtschaft und Ausfuhrkontrolle', country: 'DE', referencePrefix: 'DEBAFA' }
]

export type DemoAgency = Awaited<ReturnType<typeof startDemoAgency>>

/**
 * One agency of the demo, started afresh: its own embedded database in `baseDataDir/<id>`, or,
 * when `databaseUrl` is set, its own database `demo_<id>` on that server (dropped and created).
 */
export async function startDemoAgency (spec: DemoAgencySpec, port: number, base: { databaseUrl: string | undefined, dataDir: string }, logger: Logger, clock: Clock) {
  const dataDir = join(base.dataDir, 'demo', spec.id)
  await rm(dataDir, { recursive: true, force: true })
  const databaseUrl = base.databaseUrl === undefined ? undefined : await recreateDatabase(base.databaseUrl, `demo_${spec.id.replaceAll('-', '_')}`)
  const config: Config = loadConfig({
    AGENCY_ID: spec.id,
    AGENCY_NAME: spec.name,
    AGENCY_COUNTRY: spec.country,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: logger.level
  })
  const log = logger.child({ agency: spec.id })
  const deps = await wireServices(config, log, clock)
  const app = await buildApp(deps)
  await app.listen({ host: config.host, port: config.port })
  return { spec, config, deps, app, logger: log, url: config.agency.publicUrl }
}

async function recreateDatabase (serverUrl: string, name: string): Promise<string> {
  const admin = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: serverUrl, max: 1 }) }) })
  try {
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin)
    await sql`create database ${sql.id(name)}`.execute(admin)
  } finally {
    await admin.destroy()
  }
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

/** Enrols every agency at every other, by base URL and JWKS URL, as an administrator would. */
export async function enrolEachOther (agencies: readonly DemoAgency[], clock: Clock): Promise<void> {
  for (const agency of agencies) {
    for (const other of agencies) {
      if (other === agency) continue
      await enrolPeer({ ...agency.deps, clock }, 'demo', {
        agencyId: other.spec.id,
        name: other.spec.name,
        country: other.spec.country,
        baseUrl: other.url,
        jwksUrl: `${other.url}/.well-known/jwks.json`
      })
    }
  }
}
