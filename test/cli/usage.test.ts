import t from 'tap'
import { runCli } from '../helpers/processes.js'

const BAD_USAGE: string[][] = [
  ['frobnicate'],
  ['token'],
  ['token', '--role', 'superuser', '--sub', 'x'],
  ['token', '--role', 'admin', '--sub', 'x', '--ttl', 'forever'],
  ['token', '--role', 'admin', '--sub', 'x', '--colour', 'blue'],
  ['keys', 'destroy'],
  ['peers', 'add', '--id', 'fr-sbdu'],
  ['peers', 'add', '--id', 'FR', '--name', 'x', '--country', 'fr', '--base-url', 'ftp://x', '--jwks-url', 'https://x/jwks.json'],
  ['peers', 'add', '--id', 'fr-sbdu', '--name', 'x', '--country', 'FR', '--base-url', 'https://x', '--jwks-url', 'https://x/j', '--jwks-file', 'f.json'],
  ['migrate', 'sideways']
]

t.test('bad arguments exit 2 with a usage message, before touching anything', async (t) => {
  const results = await Promise.all(BAD_USAGE.map((args) => runCli(args, { DATA_DIR: '/nonexistent/reciprocity-usage-test' })))
  BAD_USAGE.forEach((args, i) => {
    const { code, stdout, stderr } = results[i] as Awaited<ReturnType<typeof runCli>>
    t.equal(code, 2, `${args.join(' ')}: exit 2 (${stderr.split('\n')[0]})`)
    t.match(stderr, /usage/, `${args.join(' ')}: says how to use it`)
    t.equal(stdout, '', `${args.join(' ')}: prints no result`)
  })
  const message = (results[BAD_USAGE.findIndex((args) => args.includes('ftp://x'))]?.stderr ?? '').split('\nusage:')[0] ?? ''
  for (const option of ['--id', '--country', '--base-url']) t.match(message, option, `names ${option}: every bad option, not just the first`)
  t.notMatch(message, '--name', 'and only the bad ones')
})

t.test('no command prints the list of commands; --help explains one', async (t) => {
  const none = await runCli([], {})
  t.equal(none.code, 2)
  for (const name of ['keys', 'migrate', 'openapi', 'peers', 'token']) t.match(none.stdout, new RegExp(`^  ${name}$`, 'm'), `lists ${name}`)
  const help = await runCli(['peers', '--help'], {})
  t.equal(help.code, 0)
  t.match(help.stdout, /peers add --id AGENCY_ID/)
})

t.test('bad configuration exits 78 naming every offending variable', async (t) => {
  for (const args of [['keys', 'list'], ['token', '--role', 'admin', '--sub', 'x'], ['migrate']]) {
    const res = await runCli(args, { AGENCY_COUNTRY: 'gb', PORT: 'eighty', DATA_DIR: '/nonexistent/reciprocity-usage-test' })
    t.equal(res.code, 78, `${args.join(' ')}: exit 78`)
    t.match(res.stderr, /AGENCY_COUNTRY/)
    t.match(res.stderr, /PORT/)
    t.equal(res.stdout, '')
  }
})
