import * as oidc from 'openid-client'
import type { UserRole } from '../signing/index.js'

/** The web application's registration at its OpenID provider. */
export interface OidcClientSettings {
  issuerUrl: string
  clientId: string
  clientSecret: string
}

/** What the sign-in needs to remember between sending the user away and their coming back. */
export interface PendingSignIn {
  verifier: string
  state: string
  nonce: string
  returnTo: string
}

export interface SignedInUser {
  subject: string
  name: string
  roles: UserRole[]
  idToken: string
}

const ROLES: readonly UserRole[] = ['officer', 'auditor', 'admin']

/**
 * The relying party (`openid-client`): authorization code with PKCE (S256), `state` and
 * `nonce`; the provider's metadata discovered once, on first use (the development provider
 * starts then). Roles are read from the same claim as the API's bearer tokens.
 */
export function createSignIn (settings: () => Promise<OidcClientSettings>, options: { rolesClaim: string, redirectUri: () => string }) {
  let configuration: Promise<oidc.Configuration> | undefined
  const configured = async (): Promise<oidc.Configuration> => {
    configuration ??= settings().then((s) => oidc.discovery(new URL(s.issuerUrl), s.clientId, s.clientSecret, undefined, {
      // the development provider runs on plain HTTP beside the server; a real one is HTTPS
      ...(s.issuerUrl.startsWith('http://') ? { execute: [oidc.allowInsecureRequests] } : {})
    })).catch((err: unknown) => {
      configuration = undefined
      throw err
    })
    return await configuration
  }
  return {
    /** Where to send the user, and what to keep until they come back. */
    async start (returnTo: string): Promise<{ url: string, pending: PendingSignIn }> {
      const config = await configured()
      const verifier = oidc.randomPKCECodeVerifier()
      const pending = { verifier, state: oidc.randomState(), nonce: oidc.randomNonce(), returnTo }
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: options.redirectUri(),
        scope: 'openid profile roles',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce
      })
      return { url: url.href, pending }
    },
    /** The user is back with `callbackUrl`: the code exchanged, the ID token checked, the user read. */
    async finish (callbackUrl: URL, pending: PendingSignIn): Promise<SignedInUser> {
      const config = await configured()
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true
      })
      const claims = tokens.claims()
      if (claims === undefined || tokens.id_token === undefined) throw new Error('no ID token')
      const raw = claims[options.rolesClaim]
      const values = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[\s,]+/) : []
      return {
        subject: claims.sub,
        name: typeof claims.name === 'string' && claims.name !== '' ? claims.name : claims.sub,
        roles: ROLES.filter((r) => values.includes(r)),
        idToken: tokens.id_token
      }
    },
    /** Where to send the user to end their session at the provider too, when it offers that. */
    async endSessionUrl (idToken: string | undefined, postLogoutRedirectUri: string): Promise<string | undefined> {
      const config = await configured()
      if (config.serverMetadata().end_session_endpoint === undefined) return undefined
      return oidc.buildEndSessionUrl(config, {
        post_logout_redirect_uri: postLogoutRedirectUri,
        ...(idToken === undefined ? {} : { id_token_hint: idToken })
      }).href
    }
  }
}

export type SignIn = ReturnType<typeof createSignIn>
