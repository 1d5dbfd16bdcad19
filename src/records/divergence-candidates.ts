import { sql, type RawBuilder, type Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import type { PartyInput } from '../matching/index.js'
import { notFromRemovedPeerSql } from '../peers/index.js'
import type { RecordKey } from './candidates.js'
import { lapsedSql, lifecycleSql, notFinalSql } from './lifecycle.js'

// The index reads divergence detection makes of the records we hold: which decisions and
// classifications can diverge from a changed record, found through the query tables' keys.

/** An end user or consignee of a decision of which no revocation was published, with what the timing rules read of the decision. */
export interface PartyOfDecision {
  issuer: string
  recordId: string
  /** The party as the scorer reads it, and the distinct party it is (`partyNameHash`). */
  party: PartyInput
  nameHash: string | null
  outcome: 'granted' | 'denied'
  decisionDate: string
  destination: string
  validUntil: string | null
}

interface PartyOfDecisionRow {
  issuer: string
  record_id: string
  name: string
  aliases: string[]
  country: string | null
  address: string | null
  identifiers: Array<{ scheme: string, value: string }>
  name_hash: string | null
  outcome: 'granted' | 'denied'
  decision_date: string
  destination: string
  valid_until: string | null
}

function toPartyOfDecision (row: PartyOfDecisionRow): PartyOfDecision {
  return {
    issuer: row.issuer,
    recordId: row.record_id,
    party: { name: row.name, aliases: row.aliases, country: row.country, address: row.address, identifiers: row.identifiers.map((id) => ({ type: id.scheme, value: id.value })) },
    nameHash: row.name_hash,
    outcome: row.outcome,
    decisionDate: row.decision_date,
    destination: row.destination,
    validUntil: row.valid_until
  }
}

/**
 * The end users and consignees of the decisions among `keys` of which no revocation was
 * published, each with the codes of its decision's items.
 */
export async function decisionPartiesOf (trx: Transaction<Database>, keys: readonly RecordKey[]): Promise<Array<PartyOfDecision & { codes: Array<{ regime: string, code: string }> }>> {
  const { rows } = await sql<PartyOfDecisionRow & { codes: Array<{ regime: string, code: string }> }>`
    select c.issuer, c.record_id, c.name, c.aliases, c.country, c.address, c.identifiers, c.name_hash, r.outcome, r.decision_date, r.destination, r.valid_until,
      (select coalesce(jsonb_agg(jsonb_build_object('regime', x.regime, 'code', x.code)), '[]') from record_codes x
       where x.issuer = c.issuer and x.record_id = c.record_id) as codes
    from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k("issuer" text, "recordId" uuid)
    -- each changed record by its primary key, and nothing else in the subquery: planned on
    -- statistics taken before a bulk import filled the table, a plain join (or a partial index
    -- the kind predicate makes usable) scanned every decision once per changed record,
    -- quadratic in the import's size; limit 1 keeps the planner from flattening it back
    cross join lateral (select r.* from records r where r.issuer = k.issuer and r.record_id = k."recordId" limit 1) r
    join record_parties c on c.issuer = r.issuer and c.record_id = r.record_id and c.role in ('end_user', 'consignee')
    where r.kind = 'decision' and ${notFinalSql('r')}`.execute(trx)
  return rows.map((row) => ({ ...toPartyOfDecision(row), codes: row.codes }))
}

/**
 * Another agency's classifications found for a changed one by its description: the nearest this
 * many (trigram distance of the description keys). A bound on what one change costs; the rule
 * decides at its own threshold (`descriptionThreshold`, 0.8 of content words) among them.
 */
const DESCRIPTION_CANDIDATES = 50

/**
 * Trigram similarity of description keys below which no candidate is kept: far under what the
 * rule accepts (descriptions 80% alike by content words; the pairs it accepts that we measured,
 * typos and joined words included, were 0.69 or more), so that recall is the rule's, and
 * unrelated items stop here.
 */
const DESCRIPTION_TRIGRAM_FLOOR = 0.3

/**
 * Pairs (classification among `keys`, another agency's classification of the same item): the
 * same part number (`part_key`), or, when one of the two has none, a description alike
 * (`description_key`, the nearest `DESCRIPTION_CANDIDATES` above `DESCRIPTION_TRIGRAM_FLOOR`,
 * neither revoked), none of a removed peer's (`notFromRemovedPeerSql`): the items `evaluateClassificationPair` compares. One statement; a change
 * that holds no classification reads nothing more than its own rows.
 */
export async function classificationsSharingPart (trx: Transaction<Database>, keys: readonly RecordKey[]): Promise<Array<[RecordKey, RecordKey]>> {
  const { rows } = await sql<{ c_issuer: string, c_record_id: string, issuer: string, record_id: string }>`
    with changed as materialized (
      select c.issuer, c.record_id, c.part_key, c.description_key, ${notFinalSql('cr')} as in_force
      from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k("issuer" text, "recordId" uuid)
      join record_items c on c.issuer = k.issuer and c.record_id = k."recordId"
      join records cr on cr.issuer = c.issuer and cr.record_id = c.record_id and cr.kind = 'classification'
    )
    select c.issuer as c_issuer, c.record_id as c_record_id, i.issuer, i.record_id
    from changed c
    join record_items i on i.part_key = c.part_key and i.issuer <> c.issuer
    join records r on r.issuer = i.issuer and r.record_id = i.record_id and r.kind = 'classification'
    where ${notFromRemovedPeerSql(sql.ref('i.issuer'))}
    union
    select c.issuer, c.record_id, n.issuer, n.record_id
    from changed c
    cross join lateral (
      select i.issuer, i.record_id, similarity(i.description_key, c.description_key) as similarity
      from record_items i
      where i.description_key is not null and i.issuer <> c.issuer and (c.part_key is null or i.part_key is null)
        and ${notFromRemovedPeerSql(sql.ref('i.issuer'))}
        -- only classification items have a description key; asking the kind again here makes the
        -- planner think few rows pass, and sort every classification instead of walking the index
        and exists (select 1 from records r where r.issuer = i.issuer and r.record_id = i.record_id and ${notFinalSql('r')})
      order by i.description_key <-> c.description_key
      limit ${DESCRIPTION_CANDIDATES}
    ) n
    where c.description_key is not null and c.in_force and n.similarity >= ${DESCRIPTION_TRIGRAM_FLOOR}`.execute(trx)
  return rows.map((r) => [{ issuer: r.c_issuer, recordId: r.c_record_id }, { issuer: r.issuer, recordId: r.record_id }])
}

/**
 * Whether any of the records named by the column references in `refs` (e.g. `d.first_issuer`,
 * `d.first_record_id` of a divergence) has lapsed by `today` (`hasLapsed`), as a SQL condition.
 */
export function anyLapsedSql (refs: ReadonlyArray<{ issuer: string, recordId: string }>, today: string): RawBuilder<boolean> {
  return anyRecordSql(refs, lapsedSql('r', today))
}

/**
 * Whether any of the records named by `refs` is no longer in force on `today` (revoked from a
 * day now past, or lapsed: `lifecycleOf`), as a SQL condition: what the alerts' daily
 * re-evaluation looks for, since neither writes anything on the day.
 */
export function anyNotInForceSql (refs: ReadonlyArray<{ issuer: string, recordId: string }>, today: string): RawBuilder<boolean> {
  return anyRecordSql(refs, lifecycleSql('r', today).not_in_force)
}

function anyRecordSql (refs: ReadonlyArray<{ issuer: string, recordId: string }>, condition: RawBuilder<boolean>): RawBuilder<boolean> {
  const named = refs.map((ref) => sql<boolean>`(r.issuer = ${sql.ref(ref.issuer)} and r.record_id = ${sql.ref(ref.recordId)})`)
  return sql<boolean>`exists (
    select 1 from records r
    where (${sql.join(named, sql` or `)})
      and ${condition})`
}
