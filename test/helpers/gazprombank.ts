// Gazprombank: OFAC SDN lists "GAZPROMBANK OAO"; the proposed grant spells it "Gazprom Bank" and numbers the
// entry in the Wassenaar way, as in the divergence federation test. Shared by the consultation and alert tests.
export const DENIED_PARTY = [{ role: 'end_user', name: 'GAZPROMBANK OAO', aliases: [], country: 'RU', identifiers: [] }]
export const PROPOSED = {
  destination: 'RU',
  endUse: 'Ground station for the civil weather satellite programme',
  parties: [{ role: 'end_user', name: 'Gazprom Bank', aliases: [], country: 'RU', identifiers: [] }],
  items: [{ codes: [{ regime: 'wassenaar', code: '3.A.1.a.1' }], description: 'Rad-hard microcircuits' }]
}
