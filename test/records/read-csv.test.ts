import { Readable } from 'node:stream'
import t from 'tap'
import { checkDecision } from '../../src/records/check-decision.js'
import { readCsvDecisions, readNdjsonDecisions, type ImportCandidate } from '../../src/records/index.js'

const HEADER = 'reference,outcome,decision_date,destination,party_name,party_country,party_aliases,item_codes,item_description,item_value,item_currency'

async function read (text: string | string[], maxRecordBytes = 65_536): Promise<ImportCandidate[]> {
  const out: ImportCandidate[] = []
  for await (const candidate of readCsvDecisions(Readable.from([text].flat().map((s) => Buffer.from(s))), { maxRecordBytes })) out.push(candidate)
  return out
}

t.test('consecutive rows of one reference are one decision; each row adds a party and/or an item', async (t) => {
  const [first, second, ...rest] = await read([
    '\uFEFF', `${HEADER}\r\n`,
    'A-1,denied,2025-01-02,IR,Mahan Air,IR,Mahan Airlines; Mahan,uk:ML10;wassenaar:ML10.a,aircraft parts,100,GBP\r\n',
    'A-1,,,,Mahan Air,IR,Mahan Airlines; Mahan,uk:ML4,bombs,,\r\n',
    'A-1,,,,Pars Aviation,IR,,uk:ML4,bombs,,\r\n',
    '\r\n',
    'B-1,granted,2025-01-03,AE,"Al Naser, Airlines",IQ,,eu:5A002,"crypto\r\nmodules",,\r\n',
    'C-1,granted,2025-01-03,AE,Al Naser Airlines,IQ,,eu:5A002,crypto modules,,\r\n'
  ])
  t.equal(rest.length, 1)
  t.equal(rest[0]?.line, 8, 'lines stay right after a quoted line break (csv-parse counts CRLF in quotes twice)')
  t.same(first?.problems, [])
  t.same(first?.value, {
    reference: 'A-1',
    outcome: 'denied',
    decisionDate: '2025-01-02',
    destination: 'IR',
    parties: [
      { role: 'end_user', aliases: ['Mahan Airlines', 'Mahan'], identifiers: [], name: 'Mahan Air', country: 'IR' },
      { role: 'end_user', aliases: [], identifiers: [], name: 'Pars Aviation', country: 'IR' }
    ],
    items: [
      { codes: [{ regime: 'uk', code: 'ML10' }, { regime: 'wassenaar', code: 'ML10.a' }], description: 'aircraft parts', value: { amount: 100, currency: 'GBP' } },
      { codes: [{ regime: 'uk', code: 'ML4' }], description: 'bombs' }
    ]
  }, 'the repeated party and the repeated item are added once')
  t.equal(first?.line, 2, 'the header is line 1, after the BOM')
  t.match(second, { line: 6, value: { parties: [{ name: 'Al Naser, Airlines' }], items: [{ description: 'crypto\r\nmodules' }] } })
  t.ok(checkDecision(first?.value, 3).ok, 'the decision read passes the schema')
})

t.test('problems name the line and the column', async (t) => {
  const [a, b, c] = await read([
    `${HEADER}\n`,
    'A,denied,2025-01-02,IR,Mahan Air,IR,,uk:ML10,parts,1e3,GBP\n',
    'A,granted,2025-01-02,IR,,,,ML4,"bombs\nand shells",lots,\n',
    '"B\nB",denied,2025-01-02,IR,Mahan Air,IR,,uk:ML10,parts,,\n',
    'C,denied,2025-01-02,IR,Mahan Air,IRN,,uk:ML10,,,\n'
  ])
  t.same(a?.problems, [
    { pointer: 'line 3: outcome', detail: '"granted" differs from "denied" on line 2: the rows of one decision must agree on it' },
    { pointer: 'line 3: item_codes', detail: '"ML4" is not written regime:code' },
    { pointer: 'line 3: item_value', detail: '"lots" is not a number (write 1234.5, without separators)' }
  ])
  t.equal(b?.line, 5, 'a record with a quoted line break starts where its first line is')
  const checked = checkDecision(c?.value, 3)
  t.notOk(checked.ok)
  const where = checked.ok ? [] : checked.problems.map((p) => c?.locate?.(p.path))
  t.same(where.sort(), ['line 7: item_description', 'line 7: party_country'])
})

t.test('a bad header ends the reading with one problem naming every column at fault', async (t) => {
  const out = await read('reference,colour,outcome,outcome\nA,red,denied,denied\n')
  t.equal(out.length, 1)
  t.match(out[0]?.problems?.[0], {
    pointer: 'line 1',
    detail: /unknown column\(s\): "colour".*missing required column\(s\): decision_date, destination, party_name, party_country, item_codes, item_description; column\(s\) named twice: outcome/
  })
})

t.test('an oversized CSV record is a problem, not a crash', async (t) => {
  const out = await read(`${HEADER}\nA,denied,2025-01-02,IR,${'x'.repeat(300)},IR,,uk:ML10,parts,,\n`, 200)
  t.match(out.find((c) => c.problems?.some((p) => /not readable as CSV/.test(p.detail))), { line: 2 })
})

t.test('NDJSON: lines split across chunks, CRLF, blank lines and a BOM', async (t) => {
  const text = '\uFEFF{"a":1}\r\n\n{"b":\n{"c":"é"}'
  const bytes = Buffer.from(text)
  const chunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1))
  const out: ImportCandidate[] = []
  for await (const c of readNdjsonDecisions(Readable.from(chunks), { maxLineBytes: 100 })) out.push(c)
  t.same(out.map((c) => [c.line, c.value]), [[1, { a: 1 }], [3, undefined], [4, { c: 'é' }]], 'multi-byte characters split across chunks survive')
  t.match(out[1]?.problems?.[0]?.detail, /not valid JSON/)
})
