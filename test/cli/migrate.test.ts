import t from 'tap'
import { runCli } from '../helpers/processes.js'
import { createEmptyDatabase, databaseUrl } from '../helpers/test-database.js'

t.test('migrate: up, nothing to do, down all, failure exits non-zero', async (t) => {
  const env = { DATABASE_URL: await createEmptyDatabase(t), DATA_DIR: '/nonexistent/reciprocity-migrate-test' }

  const up = await runCli(['migrate'], env)
  t.equal(up.code, 0, up.stderr)
  const applied = up.stdout.trim().split('\n')
  t.ok(applied.length > 0 && applied.every((line) => /^applied \d{12}_\w+$/.test(line)), 'one line per applied migration')

  const again = await runCli(['migrate'], env)
  t.same({ code: again.code, stdout: again.stdout }, { code: 0, stdout: 'already at the latest migration\n' })

  const down = await runCli(['migrate', '--down-all'], env)
  t.equal(down.code, 0, down.stderr)
  t.same(down.stdout.trim().split('\n'), applied.map((line) => line.replace('applied', 'reverted')).reverse(), 'reverts every migration, newest first')

  const nowhere = await runCli(['migrate'], { ...env, DATABASE_URL: databaseUrl('t_no_such_database_here') })
  t.equal(nowhere.code, 1, 'a database that cannot be reached is a failure')
  t.match(nowhere.stderr, /t_no_such_database_here/)
})
