import { generateKeyPairSync } from 'node:crypto'
import { calculateJwkThumbprint } from 'jose'
import type { PublicJwk } from './types.js'

export interface GeneratedKey {
  kid: string
  publicJwk: PublicJwk
  privateJwk: PublicJwk & { d: string }
}

/** A fresh Ed25519 key pair; `kid` is the RFC 7638 JWK thumbprint (SHA-256) of the public key. */
export async function generateEd25519Key (): Promise<GeneratedKey> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const pub = publicKey.export({ format: 'jwk' }) as PublicJwk
  const priv = privateKey.export({ format: 'jwk' }) as PublicJwk & { d: string }
  const kid = await calculateJwkThumbprint({ kty: pub.kty, crv: pub.crv, x: pub.x }, 'sha256')
  return {
    kid,
    publicJwk: { kty: pub.kty, crv: pub.crv, x: pub.x, kid, alg: 'EdDSA', use: 'sig' },
    privateJwk: { ...priv, kid, alg: 'EdDSA' }
  }
}
