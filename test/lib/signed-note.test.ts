import { createPrivateKey } from 'node:crypto'
import t from 'tap'
import {
  checkpointText, cosignNoteText, generateEd25519Key, noteKeyId, parseNote, readCheckpointText, signNoteText, verifyCheckpointNote, verifyCosignature, verifyNoteSignature
} from '../../src/signing/index.js'

// C2SP signed-note's own example: the verifier key example.com/foo+530d903a+AekyeR… verifies this note
const VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'
const NOTE = 'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n'

async function keyPair () {
  const key = await generateEd25519Key()
  return { jwk: key.publicJwk, signing: { kid: key.kid, privateKey: createPrivateKey({ key: key.privateJwk as never, format: 'jwk' }) } }
}

t.test('the signed-note specification\'s example verifies, and its key ID is computed as the specification says', async (t) => {
  const [name, id, material] = VKEY.split('+') as [string, string, string]
  const bytes = Buffer.from(material, 'base64')
  t.equal(bytes[0], 0x01, 'an Ed25519 verifier key')
  const publicKey = bytes.subarray(1)
  t.equal(noteKeyId(name, 0x01, publicKey).toString('hex'), id)
  const note = parseNote(NOTE)
  t.ok(note)
  t.equal(note?.text, 'This is an example message.\n')
  t.equal(note?.signatures[0]?.name, 'example.com/foo')
  const jwk = { kty: 'OKP', crv: 'Ed25519', x: publicKey.toString('base64url') }
  t.ok(verifyNoteSignature(note?.text ?? '', note!.signatures[0]!, jwk), 'the example signature verifies')
  t.notOk(verifyNoteSignature('This is another message.\n', note!.signatures[0]!, jwk), 'not over another text')
})

t.test('a checkpoint is origin, size and hash; its note is signed by its origin and co-signed by witnesses', async (t) => {
  const log = await keyPair()
  const witness = await keyPair()
  const hash = Buffer.alloc(32, 7).toString('base64url')
  const text = checkpointText('uk-ecju', 57, hash)
  t.equal(text, `uk-ecju\n57\n${Buffer.alloc(32, 7).toString('base64')}\n`)
  t.same(readCheckpointText(text), { origin: 'uk-ecju', size: 57, hash })
  t.same(readCheckpointText(checkpointText('uk-ecju', 0, null)), { origin: 'uk-ecju', size: 0, hash: null })
  const note = `${text}\n${signNoteText(text, 'uk-ecju', log.signing)}${cosignNoteText(text, 'fr-sbdu', witness.signing, 1_700_000_000)}`
  const verified = verifyCheckpointNote(note, 'uk-ecju', { keys: [log.jwk] })
  t.match(verified, { seq: 57, hash, kid: log.jwk.kid, text })
  t.equal(verified.cosignatures.length, 1)
  t.equal(verifyCosignature(text, verified.cosignatures[0]!, witness.jwk), 1_700_000_000, 'the cosignature verifies, with its time')
  t.equal(verifyCosignature(text, verified.cosignatures[0]!, log.jwk), undefined, 'not under another key')
  t.equal(verifyCosignature(checkpointText('uk-ecju', 58, hash), verified.cosignatures[0]!, witness.jwk), undefined, 'not for another checkpoint')
  // a cosignature's key ID uses type 0x04: it is not a note signature of the same key
  t.notOk(verifyNoteSignature(text, { ...verified.cosignatures[0]!, name: 'fr-sbdu' }, witness.jwk))

  t.throws(() => verifyCheckpointNote(note, 'uk-ecju', { keys: [witness.jwk] }), { name: 'CheckpointError', reason: 'unknown-key' } as never, 'no line by a key we know')
  t.throws(() => verifyCheckpointNote(note, 'fr-sbdu', { keys: [log.jwk] }), { name: 'CheckpointError', reason: 'wrong-origin' } as never)
  const tampered = note.replace('\n57\n', '\n58\n')
  t.throws(() => verifyCheckpointNote(tampered, 'uk-ecju', { keys: [log.jwk] }), { name: 'CheckpointError', reason: 'bad-signature' } as never, 'a line by a known key that fails rejects the note')
  for (const bad of ['', 'uk-ecju\n57\n', `${text}\n`, `${text}\n— uk-ecju not+base64!\n`, `${text}\u0007\n${signNoteText(text, 'uk-ecju', log.signing)}`]) {
    t.throws(() => verifyCheckpointNote(bad, 'uk-ecju', { keys: [log.jwk] }), { name: 'CheckpointError', reason: 'malformed' } as never, JSON.stringify(bad).slice(0, 40))
  }
})
