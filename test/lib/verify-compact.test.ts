import { createHmac, createPrivateKey, generateKeyPairSync } from 'node:crypto'
import { CompactSign, exportJWK, generateKeyPair } from 'jose'
import t from 'tap'
import { generateEd25519Key as generate, signCompact, verifyCompact, SignatureError, type Jwks } from '../../src/signing/index.js'

const TYP = 'reciprocity-entry+jws'
async function generateEd25519Key () {
  const key = await generate()
  return { ...key, privateKey: createPrivateKey({ key: key.privateJwk as never, format: 'jwk' }) }
}
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

async function reason (promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return 'verified'
  } catch (err) {
    if (err instanceof SignatureError) return err.reason
    throw err
  }
}

t.test('node:crypto verifier: what verifies and what is refused', async (t) => {
  const key = await generateEd25519Key()
  const jwks: Jwks = { keys: [key.publicJwk] }
  const jws = signCompact({ iss: 'agency-a', seq: 1, note: 'ünïcödé' }, key, TYP)
  const [header, payload, signature] = jws.split('.') as [string, string, string]

  const ok = await verifyCompact(jws, jwks, TYP)
  t.same(ok.payload, { iss: 'agency-a', seq: 1, note: 'ünïcödé' })
  t.equal(ok.kid, key.kid)
  t.equal(ok.payloadText, '{"iss":"agency-a","note":"ünïcödé","seq":1}', 'the canonical bytes as signed')

  const other = await generateEd25519Key()
  const hmac = (input: string) => createHmac('sha256', JSON.stringify(key.publicJwk)).update(input).digest('base64url')
  const headerOf = (h: Record<string, unknown>) => b64({ alg: 'EdDSA', kid: key.kid, typ: TYP, ...h })
  const cases: Array<[string, string, Jwks, string]> = [
    ['tampered payload', `${header}.${b64({ iss: 'agency-a', seq: 2 })}.${signature}`, jwks, 'bad-signature'],
    ['tampered signature', `${header}.${payload}.${signature.slice(0, -4)}AAAA`, jwks, 'bad-signature'],
    ['short signature', `${header}.${payload}.${signature.slice(0, 40)}`, jwks, 'bad-signature'],
    ['another key with the same kid', signCompact({ seq: 1 }, { ...other, kid: key.kid }, TYP), jwks, 'bad-signature'],
    ['a kid not in the set', signCompact({ seq: 1 }, other, TYP), jwks, 'unknown-kid'],
    ['no kid', `${b64({ alg: 'EdDSA', typ: TYP })}.${payload}.${signature}`, jwks, 'unknown-kid'],
    ['alg none', `${headerOf({ alg: 'none' })}.${payload}.`, jwks, 'malformed'],
    ['alg none with a signature', `${headerOf({ alg: 'none' })}.${payload}.${signature}`, jwks, 'malformed'],
    ['HS256 keyed with the public key', `${headerOf({ alg: 'HS256' })}.${payload}.${hmac(`${headerOf({ alg: 'HS256' })}.${payload}`)}`, jwks, 'malformed'],
    ['a crit header', `${headerOf({ crit: ['exp'] })}.${payload}.${signature}`, jwks, 'malformed'],
    ['b64 false', `${headerOf({ b64: false })}.${payload}.${signature}`, jwks, 'malformed'],
    ['a header that is not JSON', `${b64('not json')}.${payload}.${signature}`, jwks, 'malformed'],
    ['a header that is an array', `${b64([1])}.${payload}.${signature}`, jwks, 'malformed'],
    ['two parts', `${header}.${payload}`, jwks, 'malformed'],
    ['not base64url', `${header}.${payload}+.${signature}`, jwks, 'malformed'],
    ['another typ', signCompact({ seq: 1 }, key, 'reciprocity-checkpoint+jws'), jwks, 'wrong-type'],
    ['the key marked for encryption', jws, { keys: [{ ...key.publicJwk, use: 'enc' }] }, 'unknown-kid'],
    ['an empty key set', jws, { keys: [] }, 'unknown-kid']
  ]
  for (const [name, candidate, keys, expected] of cases) t.equal(await reason(verifyCompact(candidate, keys, TYP)), expected, name)

  const notJson = signCompact({ seq: 1 }, key, TYP).split('.')
  t.equal(await reason(verifyCompact(`${notJson[0]}.${b64('{oops')}.${notJson[2]}`, jwks, TYP)), 'bad-signature', 'a payload swapped for junk fails its signature first')
})

t.test('interoperates with a JWS signed by jose, and ignores keys of other types in the set', async (t) => {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
  const jwk = { ...await exportJWK(publicKey), kid: 'jose-key' }
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' })
  const jws = await new CompactSign(new TextEncoder().encode('{"a":1}')).setProtectedHeader({ alg: 'EdDSA', kid: 'jose-key', typ: TYP }).sign(privateKey)
  const keys = { keys: [{ ...rsa, kid: 'rsa-key' }, jwk] } as unknown as Jwks
  t.same((await verifyCompact(jws, keys, TYP)).payload, { a: 1 })
  const rsaNamed = `${b64({ alg: 'EdDSA', kid: 'rsa-key', typ: TYP })}.${jws.split('.')[1]}.${jws.split('.')[2]}`
  t.equal(await reason(verifyCompact(rsaNamed, keys, TYP)), 'unknown-kid', 'a kid naming an RSA key is not an Ed25519 key')
})
