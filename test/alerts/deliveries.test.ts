import { createServer, type IncomingMessage } from 'node:http'
import { once } from 'node:events'
import { compactVerify, createLocalJWKSet } from 'jose'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import t, { type Test } from 'tap'
import type { TestAgency } from '../helpers/agency.js'
import { closedPort } from '../helpers/hostile-server.js'
import { publishDecision, startFederation, syncRound } from '../helpers/federation.js'
import { call } from '../helpers/records.js'
import { until } from '../helpers/until.js'
import { drainOutbox } from '../../src/use-cases/index.js'

// Issue 14: alerts leave the agency through the outbox: to a webhook (a JWS that verifies with
// our JWKS, retried after the receiver was down, never sent twice once taken), and by e-mail to
// a real SMTP server, the content cut to what the address may see.

const APPLICATION = {
  reference: 'APP-DELIVERY-1',
  parties: [{ role: 'end_user', name: 'Aero-Guide Trading L.L.C.', country: 'AE' }],
  items: [{ codes: [{ regime: 'eu', code: '7A003.a' }], description: 'Inertial measurement units' }],
  destination: 'AE'
}

/** A webhook receiver on 127.0.0.1: records every request; answers `status()`. */
async function startReceiver (t: Test, port: number, status: () => number) {
  const received: Array<{ contentType: string | undefined, body: string, status: number }> = []
  const server = createServer((req: IncomingMessage, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => { body += chunk })
    req.on('end', () => {
      const answer = status()
      received.push({ contentType: req.headers['content-type'], body, status: answer })
      res.writeHead(answer).end()
    })
  })
  server.listen(port, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return received
}

async function sendUntil (agency: TestAgency, done: () => boolean) {
  const ctx = { db: agency.db, config: agency.config, clock: agency.app.clock, keyRing: agency.app.keyRing, logger: agency.app.log }
  await until(async () => { await drainOutbox(ctx); return done() })
}

t.test('webhook: a JWS that verifies with our keys, retried after the receiver was down, never sent twice once taken', async (t) => {
  const [alpha, bravo] = await startFederation(t, ['alpha', 'bravo']) as [TestAgency, TestAgency]
  const port = await closedPort()
  const added = await call(bravo, 'POST', '/v1/webhooks', { url: `http://127.0.0.1:${port}/hook`, events: ['case-hit'], description: 'case system' }, 'admin')
  t.equal(added.status, 201, JSON.stringify(added.body))
  const other = await call(bravo, 'POST', '/v1/webhooks', { url: `http://127.0.0.1:${port}/watch-only`, events: ['watch-hit'] }, 'admin')
  t.equal(other.status, 201)
  t.equal((await call(bravo, 'POST', '/v1/webhooks', { url: 'ftp://127.0.0.1/x' }, 'admin')).body.code, 'URL_NOT_ALLOWED', 'a URL that is not http(s) is refused')
  t.equal((await call(bravo, 'POST', '/v1/webhooks', { url: `http://127.0.0.1:${port}/hook` }, 'officer')).status, 403, 'administrators only')

  t.equal((await call(bravo, 'POST', '/v1/cases', { application: APPLICATION })).status, 201)
  const denial = await publishDecision(alpha)
  t.match(await syncRound(bravo, 'alpha'), { status: 'synced' })
  const [alert] = (await call(bravo, 'GET', '/v1/alerts')).body.alerts

  // the receiver is down: the attempt fails and is kept for later
  const ctx = { db: bravo.db, config: bravo.config, clock: bravo.app.clock, keyRing: bravo.app.keyRing, logger: bravo.app.log }
  t.match(await drainOutbox(ctx), { delivered: 0, failed: 1 }, 'one delivery (the case-hit webhook only), failed')
  t.match((await call(bravo, 'GET', '/v1/webhooks', undefined, 'admin')).body.webhooks.find((w: { id: string }) => w.id === added.body.id),
    { deliveries: { waiting: 1, failing: 1, delivered: 0, lastError: 'the receiver could not be reached (UNREACHABLE)' } })

  // up, but failing once more (503), then taking it
  let answers = [503, 200]
  const received = await startReceiver(t, port, () => answers.shift() ?? 200)
  await sendUntil(bravo, () => received.some((r) => r.status === 200))
  t.same(received.map((r) => r.status), [503, 200], 'retried after the 503, with backoff, until taken')
  t.equal(received[1]?.contentType, 'application/jose')

  const jwks = (await bravo.app.inject({ url: '/.well-known/jwks.json' })).json()
  const verified = await compactVerify(received[1]?.body as string, createLocalJWKSet(jwks))
  t.equal(verified.protectedHeader.typ, 'reciprocity-alert+jws')
  const payload = JSON.parse(new TextDecoder().decode(verified.payload))
  t.match(payload, { iss: 'bravo', alert: { id: alert.id, kind: 'case-hit', record: { issuer: 'alpha', recordId: denial.record.id } } }, 'the signed alert, verified with bravo\'s JWKS')
  t.equal(JSON.parse(Buffer.from((received[0]?.body as string).split('.')[1] as string, 'base64url').toString()).deliveryId, payload.deliveryId, 'one delivery id across its attempts')

  answers = []
  t.match(await drainOutbox(ctx), { delivered: 0, failed: 0 }, 'nothing more to send')
  t.match(await syncRound(bravo, 'alpha'), { status: 'synced' })
  t.equal(received.filter((r) => r.status === 200).length, 1, 'taken once: never sent again')
  t.match((await call(bravo, 'GET', '/v1/webhooks', undefined, 'admin')).body.webhooks.find((w: { id: string }) => w.id === added.body.id),
    { deliveries: { waiting: 0, delivered: 1 } })

  // a receiver that refuses (4xx) is not retried; a disabled webhook gets nothing more
  answers = [400, 400]
  t.equal((await call(bravo, 'POST', '/v1/cases', { application: { ...APPLICATION, reference: 'APP-DELIVERY-2' } })).status, 201)
  await publishDecision(alpha)
  t.match(await syncRound(bravo, 'alpha'), { status: 'synced' })
  t.match(await drainOutbox(ctx), { refused: 2 }, 'the two new case-hits refused by the receiver, for good')
  const patched = await bravo.app.inject({ method: 'PATCH', url: `/v1/webhooks/${added.body.id as string}`, headers: { authorization: await bravo.auth('admin') }, payload: { enabled: false } })
  t.match(patched.json(), { enabled: false, deliveries: { refused: 2 } })
  await publishDecision(alpha)
  t.match(await syncRound(bravo, 'alpha'), { status: 'synced' })
  t.match(await drainOutbox(ctx), { delivered: 0, failed: 0, refused: 0 }, 'disabled: nothing queued')
  t.equal((await bravo.app.inject({ method: 'DELETE', url: `/v1/webhooks/${added.body.id as string}`, headers: { authorization: await bravo.auth('admin') } })).statusCode, 204)
  t.same((await call(bravo, 'GET', '/v1/webhooks', undefined, 'admin')).body.webhooks.map((w: { id: string }) => w.id), [other.body.id])
})

t.test('e-mail: a user\'s own alert in full, a role\'s address the kind and a link only, through a real SMTP server', async (t) => {
  const mails: Array<{ to: string, raw: string }> = []
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    onData (stream, session, callback) {
      let raw = ''
      stream.setEncoding('utf8')
      stream.on('data', (chunk: string) => { raw += chunk })
      stream.on('end', () => { mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw }); callback() })
    }
  })
  smtp.listen(0, '127.0.0.1')
  await once(smtp.server, 'listening')
  t.teardown(() => new Promise<void>((resolve) => smtp.close(() => resolve())))
  const port = (smtp.server.address() as { port: number }).port

  const [alpha, bravo] = await startFederation(t, ['alpha', 'bravo'], {
    env: { SMTP_URL: `smtp://127.0.0.1:${port}`, ALERT_EMAILS: 'officer=officers@bravo.example, user:user-officer=olivia@bravo.example', ALERT_EMAIL_FROM: 'alerts@bravo.example' }
  }) as [TestAgency, TestAgency]
  t.equal((await call(bravo, 'POST', '/v1/cases', { application: APPLICATION })).status, 201)
  t.equal((await call(bravo, 'POST', '/v1/watched-parties', { name: 'Aeroguide Trading', country: 'AE', forAgency: true })).status, 201)
  await publishDecision(alpha)
  t.match(await syncRound(bravo, 'alpha'), { status: 'synced' })
  await sendUntil(bravo, () => mails.length >= 2)

  const olivia = await simpleParser(mails.find((m) => m.to === 'olivia@bravo.example')?.raw ?? '')
  t.match(olivia.subject, /^\[Agency bravo\] Essentially identical: alpha's denial REF-.* is a hit for case APP-DELIVERY-1$/)
  t.equal(olivia.from?.text, 'alerts@bravo.example')
  t.match(olivia.text, /Essentially identical to an allied denial/, 'the case\'s officer reads the match')
  t.match(olivia.text, /Aero-Guide Trading|Aeroguide Trading/, 'with the party matched')
  t.match(olivia.html, /<a href="http:\/\/127\.0\.0\.1:0\/app\/alerts">|<a href="http:\/\/127\.0\.0\.1:\d+\/app\/alerts">/, 'and an HTML part with the link')

  const officers = await simpleParser(mails.find((m) => m.to === 'officers@bravo.example')?.raw ?? '')
  t.equal(officers.subject, '[Agency bravo] A watched party named by an ally', 'the role\'s address: the kind')
  t.notMatch(officers.text, /Aeroguide|Aero-Guide|REF-/, 'no party, no record')
  t.match(officers.text, /Sign in to read it: http:\/\/.*\/app\/alerts/)
  t.equal(mails.length, 2, 'one e-mail per alert and address')
})

t.test('a bad ALERT_EMAILS is a configuration error that says which entry', async (t) => {
  const { loadConfig, ConfigError } = await import('../../src/config.js')
  t.throws(() => loadConfig({ ALERT_EMAILS: 'officer=officers@x.example,janitor=j@x.example' }), new ConfigError(['ALERT_EMAILS: "janitor" is neither a role (officer, auditor, admin) nor user:<sign-in id> (got "officer=officers@x.example,janitor=j@x.example")']))
  t.throws(() => loadConfig({ ALERT_EMAILS: 'officer=not-an-address' }), /ALERT_EMAILS: "officer=not-an-address" is not who=address with an e-mail address/)
})
