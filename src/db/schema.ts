import type { ColumnType, Generated } from 'kysely'
import type { Jwks, PublicJwk } from '../lib/jwk.js'

/** The tables, as kysely sees them. Row types stay inside the capability that owns the table. */
export interface Database {
  signing_keys: SigningKeyTable
  feed_heads: FeedHeadTable
  feed_entries: FeedEntryTable
  records: RecordTable
  peers: PeerTable
  peer_key_status: PeerKeyStatusTable
  witness_views: WitnessViewTable
  unwitnessed_records: UnwitnessedRecordTable
  partner_token_jtis: PartnerTokenJtiTable
  peer_sync: PeerSyncTable
  inbox_pending: InboxPendingTable
  record_parties: RecordPartyTable
  party_names: PartyNameTable
  party_name_keys: PartyNameKeyTable
  record_items: RecordItemTable
  record_codes: RecordCodeTable
  crosswalk_links: CrosswalkLinkTable
  screenings: ScreeningTable
  hit_dispositions: HitDispositionTable
  audit_events: AuditEventTable
  divergences: DivergenceTable
  divergence_transitions: DivergenceTransitionTable
  detection_backlog: DetectionBacklogTable
  consultations: ConsultationTable
  consultation_messages: ConsultationMessageTable
  cases: CaseTable
  watched_parties: WatchedPartyTable
  watched_names: WatchedNameTable
  watch_names: WatchNameTable
  watch_name_keys: WatchNameKeyTable
  alerts: AlertTable
  outbox: OutboxTable
  webhooks: WebhookTable
  alert_watch: AlertWatchTable
  job_runs: JobRunTable
}

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>

export interface SigningKeyTable {
  kid: string
  alg: Generated<string>
  public_jwk: ColumnType<PublicJwk, string, never>
  private_jwk_enc: ColumnType<string, string, never>
  status: 'current' | 'retired' | 'revoked'
  created_at: Timestamp
  retired_at: Date | null
  /** From when the key is no longer trusted (a revoked key). */
  revoked_from: Date | null
  revoked_at: Date | null
  revocation_reason: string | null
}

export interface FeedHeadTable {
  issuer: string
  seq: number
  hash: string | null
  /** The key our entries are signed with from this head on (set by a rotation, under the head's lock). */
  signing_kid: ColumnType<string | null, string | null | undefined, string | null>
  /** Why nothing may be appended now (a recovery from peers pending); null: publishing goes on. */
  hold: ColumnType<string | null, string | null | undefined, string | null>
}

export interface FeedEntryTable {
  issuer: ColumnType<string, string, never>
  seq: ColumnType<number, number, never>
  entry_id: ColumnType<string | null, string | null, never>
  kind: ColumnType<string | null, string | null, never>
  record_id: ColumnType<string | null, string | null, never>
  /** Agency ids allowed to see the entry; null means every peer. */
  audience: ColumnType<string[] | null, string[] | null, never>
  /** Null for a placeholder received from a peer whose audience excluded us. */
  jws: ColumnType<string | null, string | null, never>
  hash: ColumnType<string, string, never>
  prev: ColumnType<string | null, string | null, never>
  published_at: ColumnType<Date | null, Date | string | null, never>
  stored_at: ColumnType<Date, Date | string | undefined, never>
}

export interface RecordTable {
  issuer: string
  record_id: string
  kind: 'decision' | 'classification' | 'crosswalk'
  version: number
  status: 'active' | 'revoked'
  reference: string | null
  outcome: 'granted' | 'denied' | null
  destination: string | null
  decision_date: string | null
  valid_until: string | null
  /** Agency ids the record is shared with; null means every peer. Later versions inherit it. */
  audience: string[] | null
  /** First day a revocation takes effect (its effectiveDate); null while not revoked. */
  revoked_from: string | null
  body: ColumnType<Record<string, unknown>, string, string>
  latest_seq: number
  created_at: Timestamp
  updated_at: Timestamp
}

/** What `witness` co-signed of `subject`'s feed (us or a peer): the latest view per pair (docs/federation.md section 4). */
export interface WitnessViewTable {
  subject: string
  witness: string
  seq: number
  hash: string | null
  /** The checkpoint note: its text, the subject's signature line when the witness held it, the witness's cosignature. */
  note: string
  cosigned_at: Date
  fetched_at: Generated<Date>
}

/** A peer's record stored beyond what enough allies witnessed (WITNESS_QUORUM): it waits before it counts for detection. */
export interface UnwitnessedRecordTable {
  issuer: string
  record_id: string
  seq: number
}

/** What a peer said of one of its keys: retired or revoked, from when, by which entry of its feed (or its JWKS). */
export interface PeerKeyStatusTable {
  agency_id: string
  kid: string
  status: 'retired' | 'revoked'
  since: Date
  entry_seq: number | null
  reason: string | null
  learned_from: 'feed' | 'jwks'
  learned_at: Generated<Date>
}

export interface PeerTable {
  agency_id: string
  name: string
  country: string
  base_url: string
  jwks: ColumnType<Jwks, string, string>
  jwks_url: string | null
  jwks_refreshed_at: Date | null
  status: 'active' | 'disabled' | 'quarantined' | 'removed'
  status_reason: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface PartnerTokenJtiTable {
  issuer: string
  jti: string
  expires_at: Date | string
}

export interface PeerSyncTable {
  agency_id: string
  cursor_seq: Generated<number>
  cursor_hash: string | null
  head_seq: number | null
  head_hash: string | null
  /** The peer's last verified checkpoint, a signed note (docs/federation.md section 4). */
  head_checkpoint: string | null
  /** How far the peer's feed is co-signed by WITNESS_QUORUM allies (0 when no quorum is asked). */
  witnessed_seq: Generated<number>
  next_attempt_at: Timestamp
  attempts: Generated<number>
  last_attempt_at: Date | null
  last_success_at: Date | null
  last_error_code: string | null
  last_error: string | null
  last_error_at: Date | null
  entries_ingested: Generated<number>
  verification_failures: Generated<number>
  quarantine_evidence: ColumnType<Record<string, unknown> | null, string | null, string | null>
  lease_owner: string | null
  lease_expires_at: Date | null
}

export interface InboxPendingTable {
  issuer: string
  seq: number
  jws: string
  hash: string
  received_at: Timestamp
}

export interface RecordPartyTable {
  issuer: string
  record_id: string
  ordinal: number
  role: string
  name: string
  aliases: string[]
  country: string | null
  address: string | null
  identifiers: ColumnType<unknown[], string, string>
  name_keys: ColumnType<string, string | undefined, string>
  identifier_keys: ColumnType<string[], string[] | undefined, string[]>
  /** The distinct party (`partyNameHash`): its row of `party_names`, where the party search runs. */
  name_hash: ColumnType<string | null, string | undefined, string>
  keys_version: ColumnType<number, number | undefined, number>
  /** The decision's outcome, for detection's probes (a partial index holds the denials' keys). */
  outcome: 'granted' | 'denied' | null
}

/** One row per distinct party name (names, aliases, identifiers) the decisions carry (`record_parties.name_hash`), kept by triggers: where the party search runs. */
export interface PartyNameTable {
  name_hash: string
  name: string
  aliases: string[]
  identifiers: ColumnType<unknown[], string, string>
  name_keys: string
  identifier_keys: string[]
  keys_version: number
  /** Its exact keys (SQL `party_exact_keys`): detection's lookup of names that normalise alike. */
  exact_keys: ColumnType<string[], string[] | undefined, string[]>
}

/** One search key of a distinct party name (`party_names.name_keys`, split), trigram-indexed: where the fuzzy party search runs. Kept by the trigger that keeps party_names. */
export interface PartyNameKeyTable {
  name_hash: string
  key: string
  /** The transaction that added it (xid8, as text): what "keys added since" means to the remembered trigram neighbours. */
  added_xid: ColumnType<string, never, never>
  /** Which probe keys search it (generated from the key's mark, `SKELETON_MARK`): `n` unmarked, `l` a Latin name's consonant skeleton, `a` an abjad name's. */
  kind: ColumnType<'n' | 'l' | 'a', never, never>
}

export interface RecordItemTable {
  issuer: string
  record_id: string
  ordinal: number
  description: string
  manufacturer: string | null
  part_number: string | null
  part_key: string | null
  /** Classification items only (`descriptionKey`): found by description when a part number is missing. */
  description_key: string | null
  keys_version: ColumnType<number, number | undefined, number>
}

export interface RecordCodeTable {
  issuer: string
  record_id: string
  item_ordinal: number
  regime: string
  code: string
  family: string | null
  canonical: string | null
  keys_version: ColumnType<number, number | undefined, number>
}

export interface CrosswalkLinkTable {
  issuer: string
  record_id: string
  from_regime: string
  from_code: string
  to_regime: string
  to_code: string
  relation: 'equivalent' | 'broader' | 'narrower'
  from_family: string | null
  from_canonical: string | null
  to_family: string | null
  to_canonical: string | null
  keys_version: ColumnType<number, number | undefined, number>
}

export interface ScreeningTable {
  id: string
  batch_id: string
  position: number
  officer: string
  screened_at: Timestamp
  application: ColumnType<unknown, string, never>
  options: ColumnType<unknown, string, never>
  result: ColumnType<unknown, string, never>
}

export interface HitDispositionTable {
  id: string
  screening_id: string
  hit_id: string
  issuer: string
  record_id: string
  party_key: string
  disposition: 'exact' | 'partial' | 'not-identical' | 'false-positive'
  reason: string
  officer: string
  decided_at: Timestamp
}

export interface AuditEventTable {
  seq: number
  at: Timestamp
  actor: string
  action: string
  subject_type: string
  subject_id: string
  detail: ColumnType<unknown, string, never>
  prev_hash: string | null
  hash: string
}

export interface DivergenceTable {
  id: string
  kind: 'undercut' | 'conflicting-classification' | 'divergent-outcome'
  pair_key: string
  first_issuer: string
  first_record_id: string
  first_version: number
  second_issuer: string
  second_record_id: string
  second_version: number
  severity: 'high' | 'medium' | 'low' | 'info'
  state: 'open' | 'acknowledged' | 'justified' | 'dismissed' | 'escalated' | 'resolved'
  holds: boolean
  destination: string | null
  control_category: string | null
  explanation: string
  evidence: ColumnType<unknown, string, string>
  detected_at: Timestamp
  updated_at: Timestamp
  resolved_at: Date | string | null
}

export interface DivergenceTransitionTable {
  divergence_id: string
  seq: number
  from_state: string | null
  to_state: string
  actor: string
  reason: string
  at: Timestamp
}

export type ConsultationState = 'requested' | 'no-objection' | 'objection' | 'more-information' | 'withdrawn'
export type ConsultationAnswer = 'no-objection' | 'objection' | 'more-information'

export interface ConsultationTable {
  id: string
  direction: 'outgoing' | 'incoming'
  requester: string
  consulted: string
  denial_issuer: string
  denial_record_id: string
  denial_reference: string
  regime: string
  proposed: ColumnType<unknown, string, string>
  question: string
  state: ConsultationState
  deadline: string
  requested_at: Timestamp
  answered_at: Date | string | null
  updated_at: Timestamp
  created_by: string | null
}

export interface ConsultationMessageTable {
  id: string
  consultation_id: string
  position: number
  kind: 'request' | 'reply' | 'information' | 'withdrawal'
  sender: string
  receiver: string
  answer: ConsultationAnswer | null
  jws: string
  sent_at: Timestamp
  received_at: Date | string | null
  delivery: 'pending' | 'delivered' | 'refused' | 'received'
  /** Delivery attempts of ours, as the outbox counts them (when the next comes is the outbox's, src/outbox). */
  attempts: ColumnType<number, number | undefined, number>
  last_error: string | null
}

/** Decisions of a large change waiting to be detected again with every party searched as screening does (src/divergence/backlog.ts). */
export interface DetectionBacklogTable {
  issuer: string
  record_id: string
  queued_at: Timestamp
}

export interface CaseTable {
  id: string
  reference: string
  officer: string
  application: ColumnType<unknown, string, string>
  state: 'open' | 'decided' | 'withdrawn'
  screening_id: string | null
  decision_issuer: string | null
  decision_record_id: string | null
  close_reason: string | null
  opened_at: Timestamp
  closed_at: Timestamp | null
}

export interface WatchedPartyTable {
  id: string
  /** A user (token subject) or `agency`: whose watch it is, and who is alerted. */
  owner: string
  party: ColumnType<unknown, string, string>
  note: string
  created_by: string
  created_at: Timestamp
  removed_at: Timestamp | null
  removed_by: string | null
}

export interface WatchedNameTable {
  name_hash: string
  party: ColumnType<unknown, string, string>
  exact_keys: string[]
  identifier_keys: string[]
  keys_version: number
}

export interface WatchNameTable {
  subject_type: 'case' | 'watch'
  subject_id: string
  ordinal: number
  name_hash: string
}

export interface WatchNameKeyTable {
  name_hash: string
  key: string
  kind: ColumnType<'n' | 'l' | 'a', never, never>
}

export interface AlertTable {
  id: string
  kind: string
  /** What it found, once: a record stored again raises nothing twice. */
  finding_key: string
  recipient_user: string | null
  recipient_role: string | null
  subject_type: string
  subject_id: string
  issuer: string | null
  record_id: string | null
  record_version: number | null
  holds: boolean
  title: string
  explanation: string
  detail: ColumnType<unknown, string, string>
  raised_at: Timestamp
  updated_at: Timestamp
  acknowledged_at: Timestamp | null
  acknowledged_by: string | null
}

export interface OutboxTable {
  id: Generated<number>
  topic: string
  key: string | null
  payload: ColumnType<unknown, string, string>
  state: Generated<'pending' | 'delivered' | 'refused' | 'given-up'>
  attempts: Generated<number>
  next_attempt_at: Timestamp | null
  last_error: string | null
  created_at: Timestamp
  settled_at: Timestamp | null
}

export interface WebhookTable {
  id: string
  url: string
  events: string[]
  description: string
  enabled: boolean
  created_by: string
  created_at: Timestamp
  removed_at: Timestamp | null
}

export interface AlertWatchTable {
  id: Generated<boolean>
  audit_seq: number
}

/** One row a background job: its runs in every process, counted, and the last of them. */
export interface JobRunTable {
  job: string
  runs: number
  failures: number
  last_run_at: Timestamp
  last_duration_seconds: number
  last_success_at: Timestamp | null
  last_failure_at: Timestamp | null
}
