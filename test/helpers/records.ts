import { randomBytes } from 'node:crypto'
import type { TestAgency } from './agency.js'

/** A unique reference, so subtests never collide. */
export const uniqueRef = (prefix = 'GB-SIEL') => `${prefix}-${randomBytes(4).toString('hex')}`

/** A valid decision body for POST /v1/decisions, with `overrides` on top. */
export function sampleDecision (overrides: Record<string, unknown> = {}) {
  return {
    reference: uniqueRef(),
    outcome: 'denied',
    decisionDate: '2025-03-14',
    destination: 'IR',
    endUse: 'integration into a UAV flight controller',
    parties: [{ role: 'end_user', name: 'Abdul Satar Ghoura', country: 'AF', address: 'Kabul, Afghanistan' }],
    items: [{ codes: [{ regime: 'uk', code: 'ML10' }], description: 'Aircraft components', quantity: 4, value: { amount: 3540, currency: 'GBP' } }],
    reasons: [{ scheme: 'eu-cp-2008-944', code: '7' }],
    ...overrides
  }
}

export const sampleClassification = (overrides: Record<string, unknown> = {}) => ({
  item: { description: 'Thermal imaging camera core', manufacturer: 'Acme Optics', partNumber: 'TIC-640' },
  result: 'listed',
  codes: [{ regime: 'eu', code: '6A003.b.4' }],
  classificationDate: '2025-02-01',
  ...overrides
})

export const sampleCrosswalk = (overrides: Record<string, unknown> = {}) => ({
  from: { regime: 'us-eccn', code: '3A001.a.1' },
  to: { regime: 'wassenaar', code: '3.A.1.a.1' },
  relation: 'equivalent',
  ...overrides
})

/** An officer's (or `role`'s) request through the real routes. */
export async function call (agency: TestAgency, method: 'GET' | 'POST', url: string, payload?: unknown, role: 'officer' | 'auditor' | 'admin' = 'officer') {
  const res = await agency.app.inject({ method, url, headers: { authorization: await agency.auth(role) }, ...(payload === undefined ? {} : { payload: payload as object }) })
  return { status: res.statusCode, body: res.json() as Record<string, any>, headers: res.headers }
}

/** Our feed head seq, read straight from the table the feed maintains. */
export async function headSeq (agency: TestAgency): Promise<number> {
  const row = await agency.db.selectFrom('feed_heads').select('seq').where('issuer', '=', agency.id).executeTakeFirst()
  return row?.seq ?? 0
}

/** The signed payload of our feed entry `seq`. */
export async function entryPayload (agency: TestAgency, seq: number): Promise<Record<string, any>> {
  const row = await agency.db.selectFrom('feed_entries').select('jws').where('issuer', '=', agency.id).where('seq', '=', seq).executeTakeFirstOrThrow()
  return JSON.parse(Buffer.from((row.jws as string).split('.')[1] as string, 'base64url').toString('utf8'))
}
