export { webPlugin, type WebOptions } from './plugin.js'
export { startDevIdentityProvider, DEV_USERS, type DevIdentityProvider, type DevUser } from './dev-identity-provider.js'
export type { OidcClientSettings } from './sign-in.js'
