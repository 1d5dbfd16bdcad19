import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { createDb } from '../../src/db/create-db.js'
import { createKeyRing, loadKeyEncryptionKey } from '../../src/signing/index.js'
import { runCli } from '../helpers/processes.js'
import { createEmptyDatabase } from '../helpers/test-database.js'

t.test('keys rotate and keys list, on the database the server uses', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'reciprocity-cli-keys-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const kek = randomBytes(32).toString('base64url')
  const env = { AGENCY_ID: 'uk-ecju', DATABASE_URL: await createEmptyDatabase(t), DATA_DIR: dataDir, KEY_ENCRYPTION_KEY: kek }

  const empty = await runCli(['keys', 'list'], env)
  t.same({ code: empty.code, stdout: empty.stdout }, { code: 0, stdout: '' }, 'a fresh database has no key yet (and is migrated)')

  const first = await runCli(['keys', 'rotate'], env)
  t.equal(first.code, 0, first.stderr)
  const kid1 = first.stdout.trim()
  t.match(kid1, /^[\w-]{43}$/, 'prints the new kid (an RFC 7638 thumbprint)')
  const second = await runCli(['keys', 'rotate'], env)
  t.equal(second.code, 0, second.stderr)
  const kid2 = second.stdout.trim()
  t.not(kid2, kid1)
  t.match(second.stderr, new RegExp(`${kid1}.*retired`), 'says which key it retired')

  const list = await runCli(['keys', 'list'], env)
  t.equal(list.code, 0, list.stderr)
  const rows = list.stdout.trim().split('\n').map((line) => line.split('\t'))
  t.match(rows, [[kid2, 'current', /^\d{4}-/, '-'], [kid1, 'retired', /^\d{4}-/, /^\d{4}-/]], 'newest first, with status and times')

  for (const out of [first, second, list]) {
    t.notMatch(out.stdout + out.stderr, /"d"|privateJwk|private_jwk|BEGIN PRIVATE/, 'no private key material printed')
  }

  // docs/operations.md, "A stolen key": revoke the current key, with a reason and since when
  t.equal((await runCli(['keys', 'revoke', kid2], env)).code, 2, 'a reason is needed')
  const revoked = await runCli(['keys', 'revoke', kid2, '--reason', 'Laptop stolen on 1 December', '--from', '2026-12-01T00:00:00Z'], env)
  t.equal(revoked.code, 0, revoked.stderr)
  t.equal(revoked.stdout.trim(), kid2)
  t.match(revoked.stderr, /revoked from 2026-12-01T00:00:00.000Z .* is the new current key/)
  const after = (await runCli(['keys', 'list'], env)).stdout.trim().split('\n').map((line) => line.split('\t'))
  t.equal(after.length, 3)
  t.match(after[0], [/^[\w-]{43}$/, 'current'], 'the revoked key was current: a new key took its place')
  t.match(after[2], [kid1, 'retired'])
  t.match(after[1], [kid2, 'revoked', /^\d{4}-/, /^\d{4}-/, 'revoked from 2026-12-01T00:00:00.000Z'])
  const kid3 = after[0]?.[0] as string

  const db = await createDb({ databaseUrl: env.DATABASE_URL, dataDir })
  t.teardown(() => db.destroy())
  const keyRing = createKeyRing(db, await loadKeyEncryptionKey({ value: kek }))
  t.equal((await keyRing.current()).kid, kid3, 'the server\'s key ring signs with the rotated key (same key-encryption key)')
  t.match((await keyRing.jwks()).keys, [{ kid: kid3, status: 'current' }, { kid: kid2, status: 'revoked' }, { kid: kid1, status: 'retired' }], 'every key is published, with its state')
})
