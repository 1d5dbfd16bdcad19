export { publishDecision, publishClassification, publishCrosswalk, appendNewRecords, type NewRecord } from './publish-record.js'
export { amendRecord, revokeRecord, renewDecision } from './change-record.js'
export { getRecord } from './get-record.js'
export { listRecords, type RecordQuery, type RecordPage } from './list-records.js'
export {
  importDecisions, importCandidates, importFormatOf, IMPORT_FORMAT_BY_EXTENSION, IMPORT_MEDIA_TYPES,
  type ImportFormat, type ImportOptions, type ImportProgress, type ImportResult
} from './import-decisions.js'
export { importStagingDir } from './stage-import.js'
export { readCsvDecisions } from './read-csv.js'
export { readNdjsonDecisions } from './read-ndjson.js'
export { CSV_COLUMNS, REQUIRED_COLUMNS } from './csv-columns.js'
export { lifecycleOf, isFinal, hasLapsed, withDefaults } from './lifecycle.js'
export { todayOf, registerFormats } from './dates.js'
export { listRecordEntries } from './queries.js'
export { bearingOnApplicationSql, findItemCandidates, findCrosswalks, partyProbe, type PartyProbe, type RecordKey, type CandidateScope, type PartyDecisionFilter } from './candidates.js'
export { findPartyMatches, findPartyMatchesAndOthers, type PartyMatchSearch, type MatchedDecisionParty, type OtherDecisions } from './party-matches.js'
export { loadHeldDecisions, type HeldDecision } from './search-queries.js'
export {
  loadHeldRecords, findHeldRecord, findStandingDenials, isDenialVisibleTo, countHeldRecords, type HeldRecord
} from './held-records.js'
export {
  decisionPartiesOf, classificationsSharingPart, anyLapsedSql, anyNotInForceSql, type PartyOfDecision
} from './divergence-candidates.js'
export { refreshMatchKeys } from './refresh-match-keys.js'
export { deleteRecordsOf, countRecordsOf } from './record-details.js'
export { analyzeQueryTables, estimateHeldRecords } from './refresh-statistics.js'
export { isUrgentEntry } from './urgency.js'
export {
  searchDecisions, type DecisionSearchDeps, type DecisionSearch, type DecisionSearchPage, type DecisionPartyMatch, type ListedDecision
} from './search-decisions.js'
export { countDenialsDueForReview, denialsDueForReview, type DenialDue, type CountStillHolding } from './review-denials.js'
export { prepareProjection, projectEntries, type PreparedProjection, type ProjectionResult } from './project-entries.js'
export * from './schemas.js'
export type {
  RecordKind, Lifecycle, OwnRecord, EntryRef, PublishedRecord, RecordVersion, RecordsContext, RecordChange, ImportCandidate, ContentByKind
} from './types.js'
