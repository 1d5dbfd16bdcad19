import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import Provider, { type Configuration } from 'oidc-provider'
import type { ComponentChildren } from 'preact'
import { render } from 'preact-render-to-string'
// the provider's own in-memory adapter (lib/adapters), named: the default is the same class with a warning on every start
import { createMemoryAdapter } from 'oidc-provider/lib/adapters/memory_adapter.js'
import { loadLocalIdpKey, type UserRole } from '../signing/index.js'

/** A development user offered on the sign-in page. */
export interface DevUser {
  subject: string
  name: string
  roles: UserRole[]
}

/** One user per role, and one holding all three: what `npm start` offers with no set-up. */
export const DEV_USERS: readonly DevUser[] = [
  { subject: 'dev-officer', name: 'Olivia Officer (development)', roles: ['officer'] },
  { subject: 'dev-auditor', name: 'Arun Auditor (development)', roles: ['auditor'] },
  { subject: 'dev-admin', name: 'Ada Administrator (development)', roles: ['admin'] },
  { subject: 'dev-all', name: 'Sam Superuser (development, every role)', roles: ['officer', 'auditor', 'admin'] }
]

export interface DevIdentityProvider {
  /** The issuer (its base URL): what the web application discovers. */
  issuer: string
  clientId: string
  clientSecret: string
  close: () => Promise<void>
}

export interface DevIdentityProviderOptions {
  dataDir: string
  /** The address it listens on. */
  host: string
  /** The host name the browser reaches it by (the app's). */
  issuerHost: string
  /** 0: any free port. */
  port: number
  /** Where the web application takes the user back to after sign-in and sign-out. */
  redirectUri: string
  postLogoutRedirectUri: string
  rolesClaim: string
  users?: readonly DevUser[]
}

/**
 * A real OpenID provider (`oidc-provider`) for development and tests: authorization code with
 * PKCE, one confidential client (the web application), and a sign-in page that offers
 * development users per role, one button each. It signs ID tokens with the local development
 * IdP's Ed25519 key (the data folder's, as `cli token`), puts the user's roles in
 * `rolesClaim`, and runs on an HTTP server of its own. Never started when an identity
 * provider is configured (src/server.ts).
 */
export async function startDevIdentityProvider (options: DevIdentityProviderOptions): Promise<DevIdentityProvider> {
  const users = options.users ?? DEV_USERS
  const key = await loadLocalIdpKey(options.dataDir)
  const clientId = 'reciprocity-web'
  const clientSecret = randomBytes(24).toString('base64url')
  // listening first: the issuer is its address; requests are answered once the provider exists (nobody knows the port before)
  const server = createServer()
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port, options.host, resolve))
  const { port } = server.address() as AddressInfo
  const issuer = `http://${options.issuerHost.includes(':') ? `[${options.issuerHost}]` : options.issuerHost}:${port}`
  const configuration: Configuration = {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [options.redirectUri],
      post_logout_redirect_uris: [options.postLogoutRedirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'EdDSA'
    }],
    jwks: { keys: [{ ...key.privateJwk, kid: key.kid, alg: 'EdDSA', use: 'sig' } as never] },
    enabledJWA: { idTokenSigningAlgValues: ['EdDSA'] },
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'roles'],
    claims: { openid: ['sub'], profile: ['name'], roles: [options.rolesClaim] },
    conformIdTokenClaims: false,
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    adapter: createMemoryAdapter(0),
    ttl: { Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    findAccount: (_ctx, sub) => {
      const user = users.find((u) => u.subject === sub)
      return user === undefined ? undefined : { accountId: sub, claims: () => ({ sub, name: user.name, [options.rolesClaim]: user.roles }) }
    },
    // the web application is the agency's own: no consent page
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(ctx.oidc.client?.clientId ?? '')
      if (grantId !== undefined) return await ctx.oidc.provider.Grant.find(grantId)
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client?.clientId, accountId: ctx.oidc.session?.accountId })
      grant.addOIDCScope('openid profile roles')
      await grant.save()
      return grant
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        // `form` is the provider's own markup (its hidden form and token)
        logoutSource: (ctx, form) => {
          ctx.body = page('Sign out', <><h1>Sign out of the development identity provider?</h1><div dangerouslySetInnerHTML={{ __html: form }} /><button form='op.logoutForm' value='yes' name='logout'>Sign out</button></>)
        }
      }
    },
    renderError: (ctx, out) => { ctx.type = 'html'; ctx.body = page('Sign-in error', <><h1>Sign-in error</h1><p>{String(out.error_description ?? out.error)}</p></>) }
  }
  const provider = new Provider(issuer, configuration)
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(provider, users, req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
      res.end(err instanceof Error ? err.message : 'error')
    })
  })
  return {
    issuer,
    clientId,
    clientSecret,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) })
  }
}

async function handle (provider: Provider, users: readonly DevUser[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://dev-idp')
  const match = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec(url.pathname)
  if (match === null) return provider.callback()(req, res)
  const details = await provider.interactionDetails(req, res)
  if (match[2] === undefined && req.method === 'GET') {
    res.writeHead(200, headers()).end(page('Sign in (development)', (
      <>
        <h1>Sign in as a development user</h1>
        <p>This identity provider runs only when the agency has none configured. Choose who to be:</p>
        <form method='post' action={`/interaction/${details.uid}/login`}>
          <ul>{users.map((u) => <li key={u.subject}><button name='subject' value={u.subject}>{u.name}</button> <span>roles: {u.roles.join(', ')}</span></li>)}</ul>
        </form>
      </>
    )))
    return
  }
  if (match[2] !== undefined && req.method === 'POST') {
    const subject = new URLSearchParams(await readBody(req)).get('subject') ?? ''
    if (!users.some((u) => u.subject === subject)) {
      res.writeHead(400, headers()).end(page('Sign in (development)', <h1>Unknown development user</h1>))
      return
    }
    await provider.interactionFinished(req, res, { login: { accountId: subject } }, { mergeWithLastSubmission: false })
    return
  }
  res.writeHead(405, headers()).end(page('Not allowed', <h1>Method not allowed</h1>))
}

async function readBody (req: IncomingMessage): Promise<string> {
  let body = ''
  for await (const chunk of req) {
    body += String(chunk)
    if (body.length > 10_000) throw new Error('form too large')
  }
  return body
}

function headers (): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; img-src data:; form-action 'self' http: https:; frame-ancestors 'none'; base-uri 'none'",
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff'
  }
}

/** A page of the provider, rendered as the application's are (preact escapes every text). */
function page (title: string, body: ComponentChildren): string {
  return `<!doctype html>${render(
    <html lang='en'>
      <head><meta charset='utf-8' /><meta name='viewport' content='width=device-width, initial-scale=1' /><title>{title}</title><link rel='icon' href='data:,' /></head>
      <body><main>{body}</main></body>
    </html>
  )}`
}
