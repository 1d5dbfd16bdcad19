import { parseArgs, type ParseArgsConfig } from 'node:util'

/**
 * The operator's command line: `npm run cli -- <command> [options]`. Each command lives in its
 * own file and exports a `Command`; this file only dispatches. Exit codes: 0 done, 1 failed,
 * 2 bad usage, 78 bad configuration.
 */
export interface Command {
  summary: string
  usage: string
  options: ParseArgsConfig['options']
  allowPositionals?: boolean
  run (args: { values: Record<string, string | boolean | undefined>, positionals: string[] }): Promise<number>
}

const commands: Record<string, () => Promise<Command>> = {
  audit: async () => (await import('./audit.js')).auditCommand,
  demo: async () => (await import('./demo.js')).demoCommand,
  divergences: async () => (await import('./divergences.js')).divergencesCommand,
  feed: async () => (await import('./feed.js')).feedCommand,
  import: async () => (await import('./import.js')).importCommand,
  keys: async () => (await import('./keys.js')).keysCommand,
  migrate: async () => (await import('./migrate.js')).migrateCommand,
  openapi: async () => (await import('./openapi.js')).openapiCommand,
  peers: async () => (await import('./peers.js')).peersCommand,
  sync: async () => (await import('./sync.js')).syncCommand,
  token: async () => (await import('./token.js')).tokenCommand,
}

function help (): string {
  return ['usage: npm run cli -- <command> [options]', '', 'commands:',
    ...Object.keys(commands).sort().map((name) => `  ${name}`), '', 'npm run cli -- <command> --help for its options'].join('\n')
}

async function main (argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(help() + '\n')
    return name === undefined ? 2 : 0
  }
  const load = commands[name]
  if (load === undefined) {
    process.stderr.write(`unknown command "${name}"\n\n${help()}\n`)
    return 2
  }
  const command = await load()
  let parsed
  try {
    parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: command.allowPositionals ?? false, strict: true })
  } catch (err) {
    process.stderr.write(`${name}: ${(err as Error).message}\nusage: ${command.usage}\n`)
    return 2
  }
  if (parsed.values.help === true) {
    process.stdout.write(`${command.summary}\nusage: ${command.usage}\n`)
    return 0
  }
  return command.run({ values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals })
}

process.exitCode = await main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`)
  return 1
})
