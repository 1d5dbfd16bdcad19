import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import type { Command } from '../../src/cli/main.js'
import { ROOT, runCli } from '../helpers/processes.js'

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
  ['peers', 'remove', 'fr-sbdu'],
  ['peers', 'remove', 'fr-sbdu', '--records', 'later'],
  ['migrate', 'sideways'],
  ['divergences'],
  ['divergences', 'reevaluate', 'now']
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
  for (const name of ['audit', 'demo', 'divergences', 'import', 'keys', 'migrate', 'openapi', 'peers', 'sync', 'token']) t.match(none.stdout, new RegExp(`^  ${name}$`, 'm'), `lists ${name}`)
  const help = await runCli(['peers', '--help'], {})
  t.equal(help.code, 0)
  t.match(help.stdout, /peers add --id AGENCY_ID/)
  const divergences = await runCli(['divergences', '--help'], {})
  t.equal(divergences.code, 0)
  t.match(divergences.stdout, /^usage: divergences reevaluate \| divergences backlog$/m)
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

/** The command lines README.md and docs/*.md show: after `npm run cli --`, and the README's command table. */
async function documentedCommandLines (): Promise<Array<{ file: string, line: string }>> {
  const files = ['README.md', ...(await readdir(join(ROOT, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]
  const found: Array<{ file: string, line: string }> = []
  for (const file of files) {
    const text = await readFile(join(ROOT, file), 'utf8')
    for (const match of text.matchAll(/npm run (?:--silent )?cli -- ([^`\n)]+)/g)) found.push({ file, line: match[1] as string })
    const table = /\n## Command line\n([\s\S]*?)\n## /.exec(text)?.[1] ?? ''
    for (const row of table.split('\n').filter((l) => l.startsWith('| `'))) {
      const cell = row.split(/ \| /)[0] as string
      for (const match of cell.matchAll(/`([^`]+)`/g)) found.push({ file, line: (match[1] as string).replaceAll('\\|', '|') })
    }
  }
  return found
}

t.test('every command, subcommand and option that the README and docs/ show exists', async (t) => {
  const lines = (await documentedCommandLines()).filter(({ line }) => !line.startsWith('<command>'))
  t.ok(lines.some(({ line }) => line.startsWith('divergences reevaluate')), 'docs/divergence.md\'s `divergences reevaluate` is among them')
  const names = [...new Set(lines.map(({ line }) => line.split(' ')[0] as string))]
  const listed = (await runCli([], {})).stdout
  // each command's usage, as `--help` prints it, read from its module (src/cli/main.ts loads `./<name>.js`'s `<name>Command`)
  const usages = new Map(await Promise.all(names.map(async (name) => {
    if (!new RegExp(`^  ${name}$`, 'm').test(listed)) return [name, undefined] as const
    const module = await import(`../../src/cli/${name}.js`) as Record<string, Command | undefined>
    return [name, module[`${name}Command`]?.usage] as const
  })))
  for (const { file, line } of lines) {
    const [name = '', ...words] = line.split(/\s+/)
    const usage = usages.get(name)
    if (usage === undefined) {
      t.fail(`${file}: \`${line}\`: there is no command "${name}"`)
      continue
    }
    const sub = words[0] !== undefined && /^[a-z][a-z-]*$/.test(words[0]) ? words[0] : undefined
    if (sub !== undefined) t.match(usage, new RegExp(`\\b${name} ${sub}\\b`), `${file}: \`${name} ${sub}\` exists`)
    for (const option of line.match(/--[a-z][a-z-]*/g) ?? []) t.ok(usage.includes(option), `${file}: \`${name}\` takes ${option}`)
  }
})

t.test('every npm script that the README and docs/ name exists', async (t) => {
  const { scripts } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  const files = ['README.md', ...(await readdir(join(ROOT, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]
  for (const file of files) {
    const text = await readFile(join(ROOT, file), 'utf8')
    for (const [, script] of text.matchAll(/npm run (?:--silent )?([a-z][a-z:-]*)/g)) t.ok(script as string in scripts, `${file}: npm run ${script as string}`)
  }
})
