export { appendEntries, openFeedAppender, type Publisher, type FeedAppender } from './append-entries.js'
export { entryInsert, storeEntries, type EntryConflict, type FeedEntryRow } from './store-entries.js'
export { createFeedPageReader, readCopyPage, signCheckpoint, type FeedPageReader } from './read-feed.js'
export { verifyChain, ChainError, type WireEntry, type VerifiedEntry, type ChainFailure } from './verify-chain.js'
export {
  findFeedHead, ownEntriesOfKind, lockFeedHead, setFeedSigningKey, setFeedHold, findFeedHold, deleteFeedEntriesOf, visibleTo, currentEntry, ownFeedIssuersSql, findEntryHash, findEntryHashes, entriesOfRecord
} from './queries.js'
export { EVERYONE, PROTOCOL_ENTRY_KINDS, type EntryDraft, type EntryKind, type RecordEntryKind, type ProtocolEntryKind, type LockedHead, type AuditAnchorBody, type EntryPayload, type PublishedEntry, type FeedHead } from './types.js'
