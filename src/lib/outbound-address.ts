import { BlockList, isIP } from 'node:net'

/**
 * Whether outbound requests (to peers, to JWKS URLs, to any administrator-given URL) may reach
 * loopback, link-local and private addresses. `refuse` in production, so that an administrator
 * cannot make the service probe its own network; `allow` where agencies talk over loopback or a
 * private network (the local demo, tests, docker-compose).
 */
export type PrivateAddresses = 'allow' | 'refuse'

/**
 * Loopback, link-local, private (RFC 1918, RFC 4193 ULA), shared (RFC 6598 CGNAT) and unspecified
 * ranges. `BlockList` also matches the IPv4-mapped IPv6 form (`::ffff:127.0.0.1`) of IPv4 rules.
 */
const PRIVATE_RANGES: ReadonlyArray<[string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'], // "this network"; Linux connects 0.0.0.0 to the local host
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['::', 96, 'ipv6'], // unspecified, loopback and the deprecated IPv4-compatible ::a.b.c.d
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6']
]

function buildPrivateList (): BlockList {
  const list = new BlockList()
  for (const [network, prefix, type] of PRIVATE_RANGES) list.addSubnet(network, prefix, type)
  return list
}

let privateList: BlockList | undefined

/** Whether `address`, an IP literal, lies in a range `refuse` forbids. Anything that is not an IP literal is refused too. */
export function isPrivateAddress (address: string): boolean {
  const version = isIP(address)
  if (version === 0) return true
  privateList ??= buildPrivateList()
  return privateList.check(address, version === 4 ? 'ipv4' : 'ipv6')
}

/**
 * Why `url` may not be requested, or undefined if it may: an absolute `http:` or `https:` URL
 * with a host and no credentials (which would be stored and shown with the URL).
 */
export function checkOutboundUrl (url: string): string | undefined {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return 'is not an absolute URL'
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `has the scheme "${parsed.protocol.slice(0, -1)}": only http and https are allowed`
  if (parsed.hostname === '') return 'has no host'
  if (parsed.username !== '' || parsed.password !== '') return 'carries credentials: give none in the URL'
  return undefined
}
