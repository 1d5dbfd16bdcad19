import type { WireEntry } from '../../src/feed/index.js'
import type { Jwks } from '../../src/signing/index.js'
import type { TestAgency } from './agency.js'

/** Reads all of `agency`'s feed as a peer would, page by page, through the real HTTP routes. */
export async function readWholeFeed (agency: TestAgency, auth: () => Promise<string>, limit = 500) {
  const entries: WireEntry[] = []
  let after = 0
  for (;;) {
    const res = await agency.app.inject({ method: 'GET', url: `/v1/feed?after=${after}&limit=${limit}`, headers: { authorization: await auth() } })
    if (res.statusCode !== 200) throw new Error(`feed page after ${after}: ${res.statusCode} ${res.body}`)
    const page = res.json() as { entries: WireEntry[], next: number, hasMore: boolean }
    entries.push(...page.entries)
    after = page.next
    if (!page.hasMore) break
  }
  const jwks = (await agency.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as Jwks
  return { entries, jwks }
}
