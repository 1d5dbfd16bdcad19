export { prepareEnrolment, storeEnrolment, preparePeerChange, storePeerChange, getPeer, setPeerStatus, type EnrolmentContext, type NewPeer, type PeerConnectionChange } from './enrol-peer.js'
export { createPartnerAuthenticator, type PartnerAuthContext, type PartnerAuthenticator, type PartnerAuthSettings } from './authenticate-partner.js'
export { peerKeysFor, type KeyRefresh, type PeerKeys } from './peer-keys.js'
export { fetchJwks, parseJwks } from './fetch-jwks.js'
export {
  findPeer, findPeerJwks, insertPeer, listPeers, enrolledAgencyIdsSql, activePeerIdsQuery, peerStatusesQuery, updatePeerKeys, updatePeerStatus,
  notFromRemovedPeerSql, deletePeer
} from './queries.js'
export type { Peer, PeerEnrolment, PeerStatus } from './types.js'
export { applyKeyStatusEntries, currentKeysOf, keyPolicyOf, keyStatusOf, recordKeyStatuses, statusesOfJwks } from './key-status.js'
export { discoverAgency, checkPinnedKey, readIntroduction, signMemberList, verifyMemberList, INTRODUCTION_KIND, type Introduction, type MemberList } from './join.js'
