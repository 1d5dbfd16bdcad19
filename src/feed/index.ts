export { appendEntries, openFeedAppender, type Publisher, type FeedAppender } from './append-entries.js'
export { entryInsert, storeEntries, type EntryConflict, type FeedEntryRow } from './store-entries.js'
export { createFeedPageReader, signCheckpoint, type FeedPageReader } from './read-feed.js'
export { verifyChain, ChainError, type WireEntry, type VerifiedEntry, type ChainFailure } from './verify-chain.js'
export {
  findFeedHead, visibleTo, currentEntry, ownFeedIssuersSql, findEntryHash, findEntryHashes, entriesOfRecord
} from './queries.js'
export { EVERYONE, type EntryDraft, type EntryKind, type EntryPayload, type PublishedEntry, type FeedHead, type CheckpointPayload } from './types.js'
