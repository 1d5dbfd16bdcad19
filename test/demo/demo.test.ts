import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { freePort, runCli } from '../helpers/processes.js'

const AGENCY_ROW = /^(uk-ecju|fr-sbdu|de-bafa) /

t.test('npm run demo: three agencies, real data, full sync, a readable summary', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'reciprocity-demo-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const portBase = await freePort()
  const { code, stdout, stderr } = await runCli(['demo', '--exit', '--port-base', String(portBase)], { DATA_DIR: dataDir })
  t.equal(code, 0, stderr)
  t.match(stderr, /done: 6 of 6 peer feeds synced and verified/)
  t.match(stderr, /^sync .*100%/m, 'the sync progress reached 100% (plain lines: stderr is not a terminal)')
  t.notMatch(stderr, /\r/, 'no carriage returns when not on a terminal')
  const [records = '', divergences = ''] = stdout.split(/^Divergences found by detection.*$/m)

  const rows = records.split('\n').filter((line) => AGENCY_ROW.test(line))
  t.equal(rows.length, 3, 'one summary row per agency')
  for (const row of rows) {
    const [, published] = row.split(/\s+/)
    t.ok(Number(published) > 900, `${row.slice(0, 8)} published its share of the data`)
    t.match(row, /lag 0 active 0 failed; .* lag 0 active 0 failed$/, 'both peers held to their head, verified')
  }

  t.test('the divergence summary', async (t) => {
    t.ok(divergences.length > 0, 'printed after the summary of records')
    const lines = divergences.split('\n')
    t.ok(lines.length < 40, `short: ${lines.length} lines`)
    t.ok(lines.every((line) => line.length <= 100), 'fits a terminal 100 columns wide')
    const counts = lines.filter((line) => AGENCY_ROW.test(line))
    t.equal(counts.length, 3, 'a row of counts per agency')
    const [total, undercuts] = (counts[0] ?? '').split(/\s+/).slice(1).map(Number) as [number, number]
    t.ok(total > 0 && undercuts > 0, `detection found divergences in the loaded data: ${total}, ${undercuts} undercuts`)
    t.same(counts.map((row) => row.slice(8)), counts.map(() => counts[0]?.slice(8)), 'the same counts at every agency')
    t.match(divergences, new RegExp(`^The 3 agencies agree: each found the same ${total} `, 'm'), 'the agencies hold the same divergences')
    t.notMatch(divergences, /^! /m, 'no difference between agencies')

    const examples = divergences.replaceAll(/\n {4}/g, ' ')
    t.match(examples,
      /^undercut \(high\): (uk-ecju|fr-sbdu|de-bafa) granted [A-Z]+\/\d{4}\/\d{6} on \d{4}-\d{2}-\d{2} to ".+" \([A-Z]{2}\) for (uk|eu) \S+, \d+ (days|months|years) after (uk-ecju|fr-sbdu|de-bafa) denied [A-Z]+\/\d{4}\/\d{6} \((uk|eu) \S+\) to the same end user .*; the denial is in force until \d{4}-\d{2}-\d{2}; no consultation with \S+ cited\.$/m,
      'an undercut in plain words')
    t.match(divergences, /\/v1\/divergences\?kind=undercut/, 'where to list them')
    t.match(divergences, /\/v1\/reports\/divergences\?format=html/, 'where the report is')
  })

  t.test('a case alerted before its officer decides', async (t) => {
    t.match(divergences, /^Alerted before deciding: a case open at fr-sbdu \(FRSBDU-CASE-0001\) was alerted\n {2}by uk-ecju's denial GBSIEL-DEMO-0001, pushed, \d+ ms after it was published,\n {2}essentially identical/m, 'pushed, matched as it was stored, the delay measured')
  })
})
