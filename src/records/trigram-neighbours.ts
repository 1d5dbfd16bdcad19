import { sql, type Transaction } from 'kysely'
import { LRUCache } from 'lru-cache'
import type { Database } from '../db/schema.js'
import { keyKindsSearched } from '../matching/index.js'

/** A distinct party name trigram-near a probe's keys, and how near when it was needed to rank them (pg_trgm word similarity, its best key). */
export interface TrigramNear {
  probe: number
  nameHash: string
  similarity: number | null
}

/**
 * A probe's trigram neighbours as remembered: the names near its keys that were settled
 * (added by a transaction finished before `horizon`, the snapshot horizon of the search that
 * found them), so that a later search needs only the keys added since.
 */
interface Remembered {
  horizon: bigint
  near: Set<string>
}

/** Probes (key sets at a threshold, in a database) remembered, the least recently asked forgotten first: ~100 names each. */
const REMEMBERED_PROBES = 2_000

/**
 * More keys than this added since a probe's neighbours were remembered (about 7 a name), and it
 * is searched afresh through the trigram index; up to it, each added key is compared with the
 * probe's (a sync page of new names must not cost a comparison of each with each key).
 */
const MAX_ADDED = 1_000

const remembered = new LRUCache<string, Remembered>({ max: REMEMBERED_PROBES })

/**
 * The distinct party names with a search key trigram-near one of each probe's keys (pg_trgm
 * word similarity, key to key, at `threshold`, which the caller has set for `trx`:
 * `party_name_keys`). How near (the best key's similarity) is given only for the probes with
 * more than `ranked` names, which the caller must rank to keep the nearest; the others' are null.
 *
 * Detection looks for the same parties page after page and an officer screens the same end
 * users again, and a search through the index costs ~1 ms a key (the recheck of word
 * similarity over every key sharing enough trigrams): a probe's neighbours are remembered in
 * this process, and a probe seen before is compared with the keys added since only
 * (`party_name_keys.added_xid` at or above the remembered horizon). Only what committed
 * transactions added is remembered, so a name of a transaction rolled back, still open, or this
 * one, is searched again until it settles; names deleted since (a key refresh) are dropped by
 * the caller's join to `party_names`.
 */
export async function trigramNeighbours (
  trx: Transaction<Database>, probes: ReadonlyArray<readonly string[]>, options: { threshold: number, ranked: number }
): Promise<TrigramNear[]> {
  if (probes.every((keys) => keys.length === 0)) return []
  // which database (a process may hold several: an in-process federation, tests) and its horizon
  const { rows: [snapshot] } = await sql<{ database: string, horizon: string }>`
    select concat_ws(' ', pg_postmaster_start_time(), inet_server_port(), (select oid from pg_database where datname = current_database())) as database,
      pg_snapshot_xmin(pg_current_snapshot())::text as horizon`.execute(trx)
  const horizon = BigInt(snapshot?.horizon ?? '0')
  const asked = probes.map((keys, probe) => ({ probe, keys, key: `${snapshot?.database ?? ''}\n${options.threshold}\n${keys.join('\n')}` })).filter((p) => p.keys.length > 0)
  const known = new Map(asked.flatMap((p) => {
    const held = remembered.get(p.key)
    return held === undefined ? [] : [[p.probe, held] as const]
  }))
  let since = [...known.values()].reduce<bigint | undefined>((min, r) => min === undefined || r.horizon < min ? r.horizon : min, undefined)
  if (since !== undefined && await addedSinceExceeds(trx, since, MAX_ADDED)) {
    known.clear()
    since = undefined
  }
  const fresh = asked.filter((p) => !known.has(p.probe))
  const later = asked.filter((p) => known.has(p.probe))
  const found = [
    ...await searchIndex(trx, fresh, horizon),
    ...(since === undefined ? [] : await compareAdded(trx, later.map((p) => ({ ...p, since: (known.get(p.probe) as Remembered).horizon })), since, horizon))
  ]

  const near = new Map(asked.map((p) => [p.probe, new Set(known.get(p.probe)?.near)]))
  const settled = new Map(asked.map((p) => [p.probe, new Set(known.get(p.probe)?.near)]))
  for (const f of found) {
    near.get(f.probe)?.add(f.nameHash)
    if (f.settled) settled.get(f.probe)?.add(f.nameHash)
  }
  for (const p of asked) remember(p.key, { horizon, near: settled.get(p.probe) as Set<string> })
  // more than can be kept: ranked by how near, which a second search through the index says
  const crowded = asked.filter((p) => (near.get(p.probe)?.size ?? 0) > options.ranked)
  const similarity = new Map((await searchIndex(trx, crowded, horizon, { similarity: true })).map((f) => [`${f.probe} ${f.nameHash}`, f.similarity]))
  return [...near].flatMap(([probe, names]) => [...names].map((nameHash) => ({ probe, nameHash, similarity: similarity.get(`${probe} ${nameHash}`) ?? null })))
}

function remember (key: string, value: Remembered): void {
  remembered.set(key, value)
}

/** Forgets every remembered neighbour (tests that start a database afresh in the same process). */
export function forgetTrigramNeighbours (): void {
  remembered.clear()
}

interface Found extends TrigramNear {
  /** Added by a transaction finished before the horizon: it can be remembered. */
  settled: boolean
}

async function addedSinceExceeds (trx: Transaction<Database>, since: bigint, max: number): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from (select 1 from party_name_keys where added_xid >= ${since.toString()}::xid8 order by added_xid limit ${max + 1}) added`.execute(trx)
  return (rows[0]?.n ?? 0) > max
}

/**
 * The names near the probes' keys through the trigram indexes, each key among the stored keys
 * of the kinds it is searched among (`keyKindsSearched`: one partial index per kind); with
 * `similarity`, how near too (word similarity is computed again for each key found: a third of
 * the search's cost).
 */
async function searchIndex (
  trx: Transaction<Database>, probes: ReadonlyArray<{ probe: number, keys: readonly string[] }>, horizon: bigint, options: { similarity?: boolean } = {}
): Promise<Found[]> {
  const keys = probes.flatMap((p) => p.keys.map((key) => ({ key, probe: p.probe })))
  const branches = KEY_KINDS.flatMap((kind) => {
    const searched = keys.filter((k) => keyKindsSearched(k.key).includes(kind))
    // a constant kind per branch: the planner reads it from that kind's partial index
    return searched.length === 0
      ? []
      : [sql`select q.probe, k.name_hash, ${options.similarity === true ? sql`word_similarity(q.key, k.key)` : sql`null::float8`} as similarity, k.added_xid
          from unnest(${searched.map((k) => k.key)}::text[], ${searched.map((k) => k.probe)}::int[]) as q(key, probe)
          join party_name_keys k on q.key <% k.key and k.kind = ${sql.lit(kind)}`]
  })
  if (branches.length === 0) return []
  const { rows } = await sql<{ probe: number, name_hash: string, similarity: number | null, settled: boolean }>`
    select probe, name_hash, max(similarity) as similarity, bool_and(added_xid < ${horizon.toString()}::xid8) as settled
    from (${sql.join(branches, sql` union all `)}) found
    group by probe, name_hash`.execute(trx)
  return rows.map((r) => ({ probe: r.probe, nameHash: r.name_hash, similarity: r.similarity, settled: r.settled }))
}

const KEY_KINDS = ['n', 'a', 'l'] as const

/** The keys added since each probe's horizon (a few: `MAX_ADDED` at most), each compared with the probe's keys. */
async function compareAdded (
  trx: Transaction<Database>, probes: ReadonlyArray<{ probe: number, keys: readonly string[], since: bigint }>, since: bigint, horizon: bigint
): Promise<Found[]> {
  const keys = probes.flatMap((p) => p.keys.map((key) => ({ key, probe: p.probe, since: p.since.toString(), kinds: keyKindsSearched(key).join('') })))
  if (keys.length === 0) return []
  // `offset 0` keeps the few added keys a set of their own, read by their index, rather than a trigram index search per key
  const { rows } = await sql<{ probe: number, name_hash: string, settled: boolean }>`
    select q.probe, k.name_hash, bool_and(k.added_xid < ${horizon.toString()}::xid8) as settled
    from unnest(${keys.map((k) => k.key)}::text[], ${keys.map((k) => k.probe)}::int[], ${keys.map((k) => k.since)}::xid8[], ${keys.map((k) => k.kinds)}::text[]) as q(key, probe, since, kinds)
    join (select name_hash, key, kind, added_xid from party_name_keys where added_xid >= ${since.toString()}::xid8 offset 0) k
      on k.added_xid >= q.since and strpos(q.kinds, k.kind::text) > 0 and q.key <% k.key
    group by q.probe, k.name_hash`.execute(trx)
  return rows.map((r) => ({ probe: r.probe, nameHash: r.name_hash, similarity: null, settled: r.settled }))
}
