// An example for every request body of the JSON API (issue 13: "the OpenAPI document gets
// examples"), keyed by the route's method and URL as declared. Real names from the public
// lists in ../shared/data (OFAC SDN: Gazprombank, Mahan Air; BIS Entity List: Huawei). Each
// example is checked against its route's body schema by test/http/openapi.test.ts, and every
// route with a body must have one there.

const DENIAL_ID = '0b6f1a9e-6c1d-4c55-9d5e-2f3f1f0c2a11'
const decision = {
  reference: 'UK-SIEL-2026-0142',
  outcome: 'denied',
  decisionDate: '2026-03-02',
  destination: 'IR',
  endUse: 'Maintenance of civil airliners',
  parties: [{ role: 'end_user', name: 'Mahan Air', aliases: ['Mahan Airlines'], country: 'IR', identifiers: [] }],
  items: [{ codes: [{ regime: 'uk', code: '9A001' }], description: 'Aero gas turbine engines', quantity: 2 }],
  reasons: [{ scheme: 'eu-cp-2008-944', code: '7', text: 'risk of diversion to military end use' }]
}
const classification = {
  item: { description: 'Radiation-hardened integrated circuit', manufacturer: 'Example Semi', partNumber: 'RH-1000' },
  result: 'listed',
  codes: [{ regime: 'uk', code: '3A001.a.1' }],
  classificationDate: '2026-02-10',
  rationale: 'Total dose tolerance above 5 x 10^3 Gy (Si)'
}
const crosswalk = { from: { regime: 'us-eccn', code: '3A001.a.1' }, to: { regime: 'wassenaar', code: '3.A.1.a.1' }, relation: 'equivalent', note: 'same text in both lists' }
const change = (reason: string) => ({ version: 1, reason })
const jws = 'eyJhbGciOiJFZERTQSIsImtpZCI6ImZyLXNiZHUtMjAyNiIsInR5cCI6InJlY2lwcm9jaXR5LWVudHJ5K2p3dCJ9.eyJ2IjoxfQ.c2lnbmF0dXJl'

export const REQUEST_EXAMPLES: Readonly<Record<string, unknown>> = {
  'POST /v1/inbox': { jws },
  'POST /v1/inbox/consultations': { jws },
  'POST /v1/peers': { agencyId: 'fr-sbdu', name: 'Service des biens à double usage', country: 'FR', baseUrl: 'https://sbdu.example.fr', jwksUrl: 'https://sbdu.example.fr/.well-known/jwks.json' },
  'PATCH /v1/peers/:agencyId': { status: 'disabled', reason: 'The agency asked us to pause while it rotates its keys' },
  'POST /v1/peers/join': { url: 'https://sbdu.example.fr', kid: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs', members: true },
  'POST /v1/keys/:kid/revocation': { reason: 'The key was on a laptop stolen on 1 December', from: '2026-12-01T00:00:00Z' },
  'POST /v1/decisions': decision,
  'POST /v1/decisions/:id/amendments': { ...change('Quantity corrected from the licence application'), decision: { ...decision, items: [{ ...decision.items[0], quantity: 3 }] } },
  'POST /v1/decisions/:id/revocations': { ...change('The end user breached the licence conditions'), effectiveDate: '2026-06-01' },
  'POST /v1/decisions/:id/renewals': { ...change('Reviewed: the risk of diversion remains'), validUntil: '2029-03-02' },
  'POST /v1/classifications': classification,
  'POST /v1/classifications/:id/amendments': { ...change('Part number corrected'), classification: { ...classification, item: { ...classification.item, partNumber: 'RH-1000A' } } },
  'POST /v1/classifications/:id/revocations': change('Rated in error: the item is not listed'),
  'POST /v1/crosswalks': crosswalk,
  'POST /v1/crosswalks/:id/amendments': { ...change('The lists diverged in the 2026 update'), crosswalk: { ...crosswalk, relation: 'broader' } },
  'POST /v1/crosswalks/:id/revocations': change('Superseded by the 2026 lists'),
  'POST /v1/screenings': {
    applications: [{
      reference: 'APP-2026-0077',
      parties: [{ role: 'end_user', name: 'Gazprom Bank', country: 'RU' }],
      items: [{ codes: [{ regime: 'wassenaar', code: '3.A.1.a.1' }], description: 'Rad-hard integrated circuits' }],
      destination: 'RU'
    }]
  },
  'POST /v1/cases': {
    reference: 'APP-2026-0091',
    application: {
      parties: [{ role: 'end_user', name: 'Mahan Airlines', country: 'IR' }],
      items: [{ codes: [{ regime: 'uk', code: '9A001' }], description: 'Aero gas turbine engine spares' }],
      destination: 'IR'
    }
  },
  'POST /v1/cases/:id/withdrawal': { reason: 'The applicant withdrew the application on 2026-12-03' },
  'POST /v1/watched-parties': { name: 'Mahan Air', aliases: ['Mahan Airlines', 'ماهان ایر'], country: 'IR', note: 'OFAC SDN: diversion of aircraft parts', forAgency: true },
  'POST /v1/webhooks': { url: 'https://alerts.agency.example/reciprocity', events: ['case-hit', 'watch-hit'], description: 'The licensing case system' },
  'PATCH /v1/webhooks/:id': { enabled: false },
  'POST /v1/screenings/:id/hits/:hitId/dispositions': { disposition: 'exact', reason: 'Same bank: registration number 1027700167110 checked' },
  'POST /v1/consultations': {
    denial: { issuer: 'fr-sbdu', recordId: DENIAL_ID },
    proposed: {
      destination: 'IR',
      parties: [{ role: 'end_user', name: 'Mahan Airlines', country: 'IR' }],
      items: [{ codes: [{ regime: 'uk', code: '9A001' }], description: 'Turbofan engines' }]
    },
    question: 'Is the engine you denied the same model as this one, and does your concern extend to maintenance spares?'
  },
  'POST /v1/consultations/:id/replies': { answer: 'objection', text: 'The same end user; our concern covers spares for the same engines.' },
  'POST /v1/consultations/:id/information': { text: 'The engines are for two A310 airframes under a maintenance contract.' },
  'POST /v1/consultations/:id/withdrawal': { reason: 'The application was withdrawn by the exporter.' },
  'PATCH /v1/divergences/:id': { state: 'acknowledged', reason: 'Asked the granting agency for its consultation record' }
}

/** The example of a route's body: `undefined` for a route without one (a test makes that a failure). */
export function requestExample (method: string, url: string): unknown {
  return REQUEST_EXAMPLES[`${method} ${url}`]
}
