import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SignJWT } from 'jose'
import type { Test } from 'tap'
import { generateEd25519Key } from '../../src/signing/index.js'
import { createPrivateKey } from 'node:crypto'

export type Role = 'officer' | 'auditor' | 'admin'

export interface TestIdentityProvider {
  jwksUrl: string
  issuer: string
  audience: string
  /** A bearer token for `subject` holding `roles`, signed by this IdP's real key. */
  token (subject: string, roles: Role[], options?: { lifetimeSeconds?: number }): Promise<string>
}

/** A real identity provider for tests: an HTTP server on 127.0.0.1 serving its JWKS. */
export async function startIdentityProvider (t: Test, audience: string): Promise<TestIdentityProvider> {
  const key = await generateEd25519Key()
  const privateKey = createPrivateKey({ key: key.privateJwk as never, format: 'jwk' })
  const server = createServer((req, res) => {
    if (req.url === '/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key.publicJwk] }))
    } else res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const { port } = server.address() as AddressInfo
  const issuer = `http://127.0.0.1:${port}/`
  return {
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    issuer,
    audience,
    token: async (subject, roles, options = {}) => {
      const now = Math.floor(Date.now() / 1000)
      return new SignJWT({ roles })
        .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' })
        .setIssuer(issuer).setSubject(subject).setAudience(audience)
        .setIssuedAt(now).setExpirationTime(now + (options.lifetimeSeconds ?? 600))
        .sign(privateKey)
    }
  }
}
