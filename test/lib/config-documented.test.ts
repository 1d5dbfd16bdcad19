import { readFileSync } from 'node:fs'
import t from 'tap'
import { CONFIG_VARIABLES } from '../../src/config.js'

// the README's configuration table is the operator's reference: it must name every variable read, and no other
t.test('the README documents every environment variable the configuration reads, and only those', async (t) => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1))
  const documented = [...table.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1])
  t.same([...documented].sort(), [...CONFIG_VARIABLES].sort())
})
