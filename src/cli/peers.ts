import { readFile } from 'node:fs/promises'
import { Value } from '@sinclair/typebox/value'
import { loadConfigOrExit } from '../config.js'
import { PeerEnrolment } from '../http/schemas/peers.js'
import { systemClock } from '../lib/clock.js'
import { AppError } from '../lib/errors.js'
import { listPeers, type Peer } from '../peers/index.js'
import type { Jwks } from '../signing/index.js'
import { enrolPeer, removePeer, setPeerStatus } from '../use-cases/index.js'
import type { Command } from './main.js'
import { joinCommand } from './peers-join.js'
import { cliActor, note, print, usageError, withDatabase } from './services.js'

const USAGE = [
  'peers add --id AGENCY_ID --name NAME --country CC --base-url URL (--jwks-url URL | --jwks-file FILE) [--if-absent]',
  '       peers join URL --kid KID [--introduce] [--members]',
  '       peers list',
  '       peers disable AGENCY_ID [--reason TEXT]',
  '       peers enable AGENCY_ID [--reason TEXT]',
  '       peers remove AGENCY_ID --records keep|purge'
].join('\n')

const describe = (peer: Peer) =>
  [peer.agencyId, peer.status, peer.country, peer.baseUrl, peer.jwks.keys.map((k) => k.kid ?? '(no kid)').join(','), peer.name].join('\t')

type Values = Record<string, string | boolean | undefined>
const text = (values: Values, name: string) => typeof values[name] === 'string' ? values[name] : undefined

/**
 * `peers add | join | list | disable | enable | remove`: the administrator's peer enrolment, as the
 * /v1/peers API does it (`remove` as DELETE /v1/peers/{agencyId}?records=keep|purge). `add` validates with the API's own schema and fetches the JWKS URL
 * once now; `--if-absent` makes re-running it a no-op (for one-shot jobs such as compose's).
 */
export const peersCommand: Command = {
  summary: 'Enrol, list, disable, enable or remove peer agencies',
  usage: USAGE,
  options: {
    id: { type: 'string' },
    name: { type: 'string' },
    country: { type: 'string' },
    'base-url': { type: 'string' },
    'jwks-url': { type: 'string' },
    'jwks-file': { type: 'string' },
    'if-absent': { type: 'boolean' },
    kid: { type: 'string' },
    introduce: { type: 'boolean' },
    members: { type: 'boolean' },
    reason: { type: 'string' },
    records: { type: 'string' }
  },
  allowPositionals: true,
  async run ({ values, positionals }) {
    const [action, ...rest] = positionals
    switch (action) {
      case 'add': return rest.length === 0 ? add(values) : usageError('peers', USAGE, `unexpected argument "${rest[0]}"`)
      case 'join': {
        const kid = text(values, 'kid')
        if (rest.length !== 1 || kid === undefined || !/^[A-Za-z0-9_-]{43}$/.test(kid)) return usageError('peers', USAGE, 'join takes the agency\'s URL and --kid, the thumbprint of one of its keys (43 characters), obtained out of band')
        return joinCommand(rest[0] as string, { kid, introduce: values.introduce === true, members: values.members === true })
      }
      case 'list': return rest.length === 0 ? list() : usageError('peers', USAGE, `unexpected argument "${rest[0]}"`)
      case 'disable':
      case 'enable':
        if (rest.length !== 1) return usageError('peers', USAGE, `${action} takes one agency id`)
        return setStatus(rest[0] as string, action === 'enable' ? 'active' : 'disabled', text(values, 'reason') ?? null)
      case 'remove': {
        if (rest.length !== 1) return usageError('peers', USAGE, 'remove takes one agency id')
        const records = text(values, 'records')
        if (records !== 'keep' && records !== 'purge') return usageError('peers', USAGE, '--records keep|purge is required: keep its records, or purge them')
        return remove(rest[0] as string, records)
      }
      default:
        return usageError('peers', USAGE, 'expected add, join, list, disable, enable or remove')
    }
  }
}

const OPTION_BY_FIELD: Record<string, string> = { agencyId: '--id', name: '--name', country: '--country', baseUrl: '--base-url', jwksUrl: '--jwks-url' }

async function add (values: Values): Promise<number> {
  const jwksUrl = text(values, 'jwks-url')
  const jwksFile = text(values, 'jwks-file')
  if ((jwksUrl === undefined) === (jwksFile === undefined)) return usageError('peers', USAGE, 'give exactly one of --jwks-url and --jwks-file')
  const input = JSON.parse(JSON.stringify({
    agencyId: text(values, 'id'), name: text(values, 'name'), country: text(values, 'country'), baseUrl: text(values, 'base-url'), jwksUrl
  })) as PeerEnrolment
  const problems = new Map<string, string>()
  for (const e of Value.Errors(PeerEnrolment, input)) {
    const field = e.path.slice(1)
    if (!problems.has(field)) problems.set(field, `${OPTION_BY_FIELD[field] ?? field}: ${e.message.charAt(0).toLowerCase()}${e.message.slice(1)}`)
  }
  if (problems.size > 0) return usageError('peers', USAGE, [...problems.values()].join('; '))
  const config = loadConfigOrExit(process.env)
  // the file's keys go through enrolPeer's own check: public members only, private keys refused
  const jwks = jwksFile === undefined ? undefined : await readJwksFile(jwksFile)
  return withDatabase(config, async (db) => {
    try {
      print(describe(await enrolPeer({ db, config, clock: systemClock }, cliActor(), { ...input, jwks })))
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'PEER_EXISTS' && values['if-absent'] === true)) throw err
      note(`${input.agencyId} is already enrolled; nothing changed`)
    }
    return 0
  })
}

async function readJwksFile (path: string): Promise<Jwks> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Jwks
  } catch (err) {
    throw new Error(`--jwks-file ${path}: ${(err as Error).message}`, { cause: err })
  }
}

async function list (): Promise<number> {
  const config = loadConfigOrExit(process.env)
  await withDatabase(config, async (db) => {
    for (const peer of await listPeers(db)) print(describe(peer))
  })
  return 0
}

async function setStatus (agencyId: string, status: 'active' | 'disabled', reason: string | null): Promise<number> {
  const config = loadConfigOrExit(process.env)
  await withDatabase(config, async (db) => { print(describe(await setPeerStatus({ db, config, clock: systemClock }, cliActor(), agencyId, status, reason))) })
  return 0
}

async function remove (agencyId: string, records: 'keep' | 'purge'): Promise<number> {
  const config = loadConfigOrExit(process.env)
  await withDatabase(config, async (db) => {
    const outcome = await removePeer({ db, config, clock: systemClock }, cliActor(), agencyId, records)
    const c = outcome.counts
    print([agencyId, `removed (records ${records})`, `records=${c.records}`, `entries=${c.entries}`, `divergencesResolved=${c.divergencesResolved}`].join('\t'))
  })
  return 0
}
