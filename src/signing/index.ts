export { signCompact } from './sign-compact.js'
export { verifyCompact, createVerifier, SignatureError, type VerifiedCompact, type VerifyFailure } from './verify-compact.js'
export { createKeyCache, type KeyCache } from './key-cache.js'
export { createKeyRing, type KeyRing, type KeyInfo } from './key-ring.js'
export { loadKeyEncryptionKey, deriveSessionKey, type KeyEncryptionKey, type KeyEncryptionKeySource } from './key-encryption.js'
export { generateEd25519Key, type GeneratedKey } from './generate-key.js'
export { signPartnerToken, verifyPartnerToken, peekTokenIssuer, type PartnerClaims } from './partner-token.js'
export { createUserTokenVerifier, issueLocalUserToken, loadLocalIdpKey, type UserPrincipal, type UserRole, type IdentityProvider } from './user-token.js'
export { ENTRY_TYP, CONSULTATION_TYP, ALERT_TYP, MEMBERS_TYP, type SigningKey, type Jwks, type PublicJwk } from './types.js'
export { peekJws, peekKid } from './peek-jws.js'
export {
  KeyPolicy, KEY_STATUS_KIND, keyFault, mergeKeyStatus, readKeyStatements, statusOf, ed25519Thumbprint,
  type KnownKeyStatus, type KeyStatement, type KeyStatusBody
} from './key-policy.js'
export type { KeyStatus } from './key-ring.js'
export {
  checkpointText, readCheckpointText, cosignNoteText, signNoteText, parseNote, verifyNoteSignature, verifyCosignature, noteKeyId,
  verifyCheckpointNote, CheckpointError, type VerifiedCheckpoint,
  type Note, type NoteSignature
} from './signed-note.js'
