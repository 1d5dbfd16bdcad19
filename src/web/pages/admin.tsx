import type { FailingDelivery } from '../../consultations/index.js'
import type { BackgroundJobName } from '../../jobs/index.js'
import type { Peer } from '../../peers/index.js'
import type { KeyInfo } from '../../signing/index.js'
import type { PeerHealth, PeerState } from '../../sync/index.js'
import type { FieldError } from '../form-values.js'
import type { Formats } from '../../lib/format-dates.js'
import { Layout, type PageFrame } from '../layout.js'
import { texts } from '../text/en.js'
import { Csrf, ErrorSummary, TextArea, TextField } from './form-parts.js'

const t = texts.admin

type AdminPageKey = 'peers' | 'keys' | 'jobs'

/** The administrators' pages share one navigation entry; this list moves between them. */
function AdminNav ({ current }: { current: AdminPageKey }) {
  const pages: ReadonlyArray<readonly [AdminPageKey, string, string]> = [['peers', '/app/peers', t.peersTitle], ['keys', '/app/keys', t.keysTitle], ['jobs', '/app/jobs', t.jobsTitle]]
  return (
    <nav class='sub-nav' aria-label={t.navLabel}>
      <ul>{pages.map(([key, href, label]) => <li key={key}><a href={href} aria-current={key === current ? 'page' : undefined}>{label}</a></li>)}</ul>
    </nav>
  )
}

function Notice ({ notice }: { notice: string | undefined }) {
  return notice === undefined ? null : <p class='notice' role='status'>{notice}</p>
}

/** A peer with its sync health (undefined before its sync row exists). */
export interface PeerRow {
  peer: Peer
  health: PeerHealth | undefined
}

const stateOf = (row: PeerRow): PeerState => row.health?.state ?? row.peer.status

function StateTag ({ state }: { state: PeerState }) {
  const warn = state === 'quarantined' || state === 'backing_off'
  return <strong class={`tag tag--state${warn ? ' tag--warning' : ''}`}>{t.states[state]}</strong>
}

/** How far behind the peer's feed head we are, in words. */
function lagOf (health: PeerHealth | undefined): string {
  if (health === undefined || health.lag === null || health.headSeq === null) return t.lagUnknown
  return health.lag === 0 ? t.upToDate(health.cursor) : t.behind(health.lag, health.cursor, health.headSeq)
}

function lastErrorOf (health: PeerHealth | undefined, formats: Formats): string {
  if (health === undefined || health.lastErrorCode === null) return t.none
  return t.errorAt(health.lastErrorCode, health.lastError ?? '', health.lastErrorAt === null ? '' : formats.dateTime(health.lastErrorAt))
}

/**
 * Every peer agency: an overview table (state, lag, last sync, last error), then a section per
 * peer with its details, the quarantine reason and evidence, and the actions its state allows.
 */
export function PeersPage ({ frame, rows, errors, values, notice, formats }: {
  frame: PageFrame
  rows: readonly PeerRow[]
  /** Errors of an action's form sent back, and what was typed in it. */
  errors: readonly FieldError[]
  values: Readonly<Record<string, string>>
  notice: string | undefined
  formats: Formats
}) {
  return (
    <Layout frame={{ ...frame, active: 'admin' }} title={errors.length > 0 ? `Error: ${t.peersTitle}` : t.peersTitle}>
      <AdminNav current='peers' />
      <h1>{t.peersTitle}</h1>
      <Notice notice={notice} />
      <ErrorSummary errors={errors} />
      <p class='lead'>{t.peersLead}</p>
      <p><a href='/app/peers/new' class='button'>{t.enrolTitle}</a></p>
      {rows.length === 0
        ? <p>{t.noPeers}</p>
        : (
          <table class='peers'>
            <caption>{t.peersCaption(rows.length)}</caption>
            <thead>
              <tr>
                <th scope='col'>{t.columnAgency}</th><th scope='col'>{t.columnState}</th><th scope='col'>{t.columnLag}</th>
                <th scope='col'>{t.columnLastSynced}</th><th scope='col'>{t.columnLastError}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.peer.agencyId} id={`row-${row.peer.agencyId}`}>
                  <th scope='row'><a href={`#peer-${row.peer.agencyId}`}>{row.peer.agencyId}</a> <span class='muted'>{row.peer.name}</span></th>
                  <td><StateTag state={stateOf(row)} /></td>
                  <td>{lagOf(row.health)}</td>
                  <td>{row.health?.lastSuccessAt == null ? t.never : formats.dateTime(row.health.lastSuccessAt)}</td>
                  <td>{lastErrorOf(row.health, formats)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          )}
      {rows.map((row) => <PeerSection key={row.peer.agencyId} row={row} errors={errors} values={values} csrf={frame.csrf} formats={formats} />)}
    </Layout>
  )
}

function PeerSection ({ row, errors, values, csrf, formats }: {
  row: PeerRow, errors: readonly FieldError[], values: Readonly<Record<string, string>>, csrf: string | undefined, formats: Formats
}) {
  const { peer, health } = row
  const id = peer.agencyId
  const state = stateOf(row)
  const when = (date: Date | null | undefined) => date == null ? t.never : formats.dateTime(date)
  return (
    <section id={`peer-${id}`} class='peer' aria-labelledby={`peer-${id}-heading`}>
      <h2 id={`peer-${id}-heading`}>{t.peerHeading(peer.name, id)} <StateTag state={state} /></h2>
      {state === 'quarantined' && (
        <div class='warning-panel'>
          <p><strong>{t.quarantined}</strong> {peer.statusReason ?? ''}</p>
          <p>{t.quarantinedLead}</p>
          {health?.quarantineEvidence != null && (
            <details>
              <summary>{t.evidence}</summary>
              <p class='hint'>{t.evidenceHint}</p>
              <pre class='evidence'>{JSON.stringify(health.quarantineEvidence, null, 2)}</pre>
            </details>
          )}
        </div>
      )}
      <dl class='summary'>
        <dt>{t.country}</dt><dd>{peer.country}</dd>
        <dt>{t.baseUrl}</dt><dd>{peer.baseUrl}</dd>
        <dt>{t.keySet}</dt><dd>{peer.jwksUrl ?? t.keysGiven}</dd>
        <dt>{t.keysTrusted}</dt><dd>{peer.jwks.keys.map((k) => k.kid ?? '').join(', ')}</dd>
        <dt>{t.enrolledAt}</dt><dd>{formats.dateTime(peer.createdAt)}</dd>
        {peer.statusReason !== null && state !== 'quarantined' && <><dt>{t.statusReason}</dt><dd>{peer.statusReason}</dd></>}
        <dt>{t.columnLag}</dt><dd>{lagOf(health)}</dd>
        <dt>{t.lastAttempt}</dt><dd>{when(health?.lastAttemptAt)}</dd>
        <dt>{t.columnLastSynced}</dt><dd>{when(health?.lastSuccessAt)}</dd>
        <dt>{t.nextAttempt}</dt><dd>{state === 'active' || state === 'backing_off' ? when(health?.nextAttemptAt) : t.notScheduled}</dd>
        <dt>{t.columnLastError}</dt><dd>{lastErrorOf(health, formats)}</dd>
        <dt>{t.entriesIngested}</dt><dd>{health?.entriesIngested ?? 0}</dd>
        <dt>{t.verificationFailures}</dt><dd>{health?.verificationFailures ?? 0}</dd>
      </dl>
      {(state === 'quarantined' || state === 'backing_off') && (
        <form method='post' action={`/app/peers/${id}/resume`} id={`resume-${id}`} class='action-form' tabIndex={-1}>
          <Csrf token={csrf} />
          <h3>{t.resumeHeading}</h3>
          <p>{t.resumeLead(health?.cursor ?? 0)}</p>
          <button type='submit' class='button'>{t.resume(id)}</button>
        </form>
      )}
      {state === 'disabled'
        ? (
          <form method='post' action={`/app/peers/${id}/status`} class='action-form' novalidate>
            <Csrf token={csrf} />
            <input type='hidden' name='status' value='active' />
            <h3>{t.enableHeading}</h3>
            <p>{t.enableLead}</p>
            <TextArea name={`enable-reason-${id}`} label={t.reason} value={values[`enable-reason-${id}`] ?? ''} errors={errors} hint={t.reasonHint} />
            <button type='submit' class='button'>{t.enable(id)}</button>
          </form>
          )
        : (
          <form method='post' action={`/app/peers/${id}/status`} class='action-form' novalidate>
            <Csrf token={csrf} />
            <input type='hidden' name='status' value='disabled' />
            <h3>{t.disableHeading}</h3>
            <p>{t.disableLead}</p>
            <TextArea name={`disable-reason-${id}`} label={t.reason} value={values[`disable-reason-${id}`] ?? ''} errors={errors} hint={t.reasonHint} />
            <button type='submit' class='button button--warning'>{t.disable(id)}</button>
          </form>
          )}
    </section>
  )
}

/** The enrolment form's fields, as typed. */
export interface EnrolmentForm {
  agencyId: string
  name: string
  country: string
  baseUrl: string
  jwksUrl: string
  jwks: string
}

export const EMPTY_ENROLMENT: EnrolmentForm = { agencyId: '', name: '', country: '', baseUrl: '', jwksUrl: '', jwks: '' }

/** Enrol a peer agency: who it is, where its API answers, and its public keys (a key set URL or the key set itself). */
export function EnrolPeerPage ({ frame, form, errors }: { frame: PageFrame, form: EnrolmentForm, errors: readonly FieldError[] }) {
  const l = t.enrolLabels
  return (
    <Layout frame={{ ...frame, active: 'admin' }} title={errors.length > 0 ? `Error: ${t.enrolTitle}` : t.enrolTitle}>
      <AdminNav current='peers' />
      <h1>{t.enrolTitle}</h1>
      <ErrorSummary errors={errors} />
      <p class='lead'>{t.enrolLead}</p>
      <form method='post' action='/app/peers' novalidate>
        <Csrf token={frame.csrf} />
        <TextField name='agencyId' label={l.agencyId} value={form.agencyId} errors={errors} hint={t.agencyIdHint} />
        <TextField name='name' label={l.name} value={form.name} errors={errors} width='wide' />
        <TextField name='country' label={l.country} value={form.country} errors={errors} hint={t.countryHint} width='narrow' />
        <TextField name='baseUrl' label={l.baseUrl} value={form.baseUrl} errors={errors} hint={t.baseUrlHint} width='wide' />
        <fieldset>
          <legend>{t.keysLegend}</legend>
          <p class='hint'>{t.keysHint}</p>
          <TextField name='jwksUrl' label={l.jwksUrl} value={form.jwksUrl} errors={errors} hint={t.jwksUrlHint} width='wide' />
          <TextArea name='jwks' label={l.jwks} value={form.jwks} errors={errors} hint={t.jwksHint} rows={6} />
        </fieldset>
        <button type='submit' class='button'>{t.enrol}</button>
      </form>
    </Layout>
  )
}

/** Our signing keys, newest first, and the rotation form with what a rotation does. */
export function KeysPage ({ frame, keys, algorithms, errors, confirmed, notice, formats }: {
  frame: PageFrame
  keys: readonly KeyInfo[]
  /** Each key's algorithm and curve, by kid, from our published key set. */
  algorithms: ReadonlyMap<string, string>
  errors: readonly FieldError[]
  confirmed: boolean
  notice: string | undefined
  formats: Formats
}) {
  const confirmError = errors.find((e) => e.field === 'confirm')
  return (
    <Layout frame={{ ...frame, active: 'admin' }} title={errors.length > 0 ? `Error: ${t.keysTitle}` : t.keysTitle}>
      <AdminNav current='keys' />
      <h1>{t.keysTitle}</h1>
      <Notice notice={notice} />
      <ErrorSummary errors={errors} />
      <p class='lead'>{t.keysLead}</p>
      <table class='keys'>
        <caption>{t.keysCaption(keys.length)}</caption>
        <thead>
          <tr>
            <th scope='col'>{t.columnKid}</th><th scope='col'>{t.columnAlgorithm}</th><th scope='col'>{t.columnState}</th>
            <th scope='col'>{t.columnCreated}</th><th scope='col'>{t.columnRetired}</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.kid}>
              <th scope='row'><code>{k.kid}</code></th>
              <td>{algorithms.get(k.kid) ?? t.unknown}</td>
              <td>{k.status === 'current' ? <strong>{t.keyStates.current}</strong> : t.keyStates.retired}</td>
              <td>{formats.dateTime(k.createdAt)}</td>
              <td>{k.retiredAt === null ? '' : formats.dateTime(k.retiredAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t.rotateHeading}</h2>
      {t.rotateExplained.map((sentence, i) => <p key={i}>{sentence}</p>)}
      <form method='post' action='/app/keys/rotate' novalidate>
        <Csrf token={frame.csrf} />
        <div class={`field${confirmError === undefined ? '' : ' field--error'}`}>
          {confirmError !== undefined && <span class='field-error' id='confirm-error'>{confirmError.message}</span>}
          <div class='checkbox'>
            <input type='checkbox' id='confirm' name='confirm' value='yes' checked={confirmed} aria-describedby={confirmError === undefined ? undefined : 'confirm-error'} aria-invalid={confirmError === undefined ? undefined : true} />
            <label for='confirm'>{t.rotateConfirm}</label>
          </div>
        </div>
        <button type='submit' class='button'>{t.rotate}</button>
      </form>
    </Layout>
  )
}

export interface JobsView {
  /** Whether this server process runs the jobs itself (SYNC_IN_PROCESS), or a worker does. */
  inProcess: boolean
  jobs: ReadonlyArray<{ name: BackgroundJobName, everyMs: number }>
  peers: readonly PeerRow[]
  /** Our consultation messages in the outbox (its status of their topic), and those that failed at least once, most attempts first. */
  consultationMessages: { waiting: number, due: number, refused: number, oldestWaitingSince: Date | null, nextAttemptAt: Date | null, failing: readonly FailingDelivery[] }
  /** Divergences still holding although a record of theirs lapsed: the lapse re-evaluation's work waiting. */
  awaitingLapse: number
  /** Decisions of large changes waiting to be detected again: the detection backlog's work waiting. */
  detectionBacklog: number
  /** Everything in the outbox, all topics (consultation messages, webhooks, e-mail). */
  deliveries: { waiting: number, failing: number, givenUp: number, nextAttemptAt: Date | null }
  pushOnPublish: boolean
  now: Date
}

/**
 * The background jobs: where they run, and per job what is stored of it (the last and next run,
 * the last outcome); then the sync per peer, the outbox's failures, and what is not stored.
 */
export function JobsPage ({ frame, view, formats }: { frame: PageFrame, view: JobsView, formats: Formats }) {
  const { peers, consultationMessages: messages, now } = view
  const when = (date: Date | null | undefined, otherwise: string) => date == null ? otherwise : formats.dateTime(date)
  const latest = (dates: ReadonlyArray<Date | null | undefined>) => dates.reduce<Date | null>((a, d) => d != null && (a === null || d > a) ? d : a, null)
  const earliest = (dates: ReadonlyArray<Date | null | undefined>) => dates.reduce<Date | null>((a, d) => d != null && (a === null || d < a) ? d : a, null)
  const syncing = peers.filter((p) => stateOf(p) === 'active' || stateOf(p) === 'backing_off')
  const failing = peers.filter((p) => (p.health?.failedAttempts ?? 0) > 0 || stateOf(p) === 'quarantined').length
  const summary: Record<BackgroundJobName, { last: string, next: string, outcome: string }> = {
    sync: {
      last: when(latest(peers.map((p) => p.health?.lastAttemptAt)), t.never),
      next: syncing.length === 0 ? t.noPeerToSync : when(earliest(syncing.map((p) => p.health?.nextAttemptAt)), t.notScheduled),
      outcome: t.syncOutcome(peers.length, syncing.length, failing)
    },
    'lapse-reevaluation': {
      last: t.notStored,
      next: t.lapseNext,
      outcome: t.lapseOutcome(view.awaitingLapse)
    },
    'detection-backlog': {
      last: t.notStored,
      next: view.detectionBacklog === 0 ? t.nothingWaits : t.backlogNext,
      outcome: t.backlogOutcome(view.detectionBacklog)
    },
    outbox: {
      last: t.notStored,
      next: view.deliveries.waiting === 0 ? t.nothingWaits : when(view.deliveries.nextAttemptAt, t.notScheduled),
      outcome: t.deliveriesOutcome(view.deliveries.waiting, view.deliveries.failing, view.deliveries.givenUp)
    },
    'alert-watch': {
      last: t.notStored,
      next: t.alertWatchNext,
      outcome: t.alertWatchOutcome
    },
    witness: {
      last: t.notStored,
      next: t.alertWatchNext,
      outcome: t.witnessOutcome
    },
    'audit-anchor': {
      last: t.notStored,
      next: t.alertWatchNext,
      outcome: t.anchorOutcome
    }
  }
  return (
    <Layout frame={{ ...frame, active: 'admin' }} title={t.jobsTitle}>
      <AdminNav current='jobs' />
      <h1>{t.jobsTitle}</h1>
      <p class='lead'>{view.inProcess ? t.jobsInProcess : t.jobsInWorker}</p>
      <table class='jobs'>
        <caption>{t.jobsCaption}</caption>
        <thead>
          <tr>
            <th scope='col'>{t.columnJob}</th><th scope='col'>{t.columnRuns}</th><th scope='col'>{t.columnLastRun}</th>
            <th scope='col'>{t.columnNextRun}</th><th scope='col'>{t.columnOutcome}</th>
          </tr>
        </thead>
        <tbody>
          {view.jobs.map((job) => (
            <tr key={job.name} id={`job-${job.name}`}>
              <th scope='row'>{t.jobs[job.name].name}<div class='muted'>{t.jobs[job.name].does}</div></th>
              <td>{t.every(job.everyMs)}</td>
              <td>{summary[job.name].last}</td>
              <td>{summary[job.name].next}</td>
              <td>{summary[job.name].outcome}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>{view.pushOnPublish ? t.pushesOn : t.pushesOff}</p>

      <h2 id='sync-heading'>{t.jobs.sync.name}</h2>
      {peers.length === 0
        ? <p>{t.noPeers}</p>
        : (
          <table class='sync'>
            <caption>{t.syncCaption}</caption>
            <thead>
              <tr>
                <th scope='col'>{t.columnAgency}</th><th scope='col'>{t.columnState}</th><th scope='col'>{t.columnRunningNow}</th>
                <th scope='col'>{t.lastAttempt}</th><th scope='col'>{t.columnLastSynced}</th><th scope='col'>{t.nextAttempt}</th>
                <th scope='col'>{t.columnFailedRounds}</th><th scope='col'>{t.columnLastError}</th>
              </tr>
            </thead>
            <tbody>
              {peers.map((row) => {
                const h = row.health
                const state = stateOf(row)
                const leased = h?.leaseOwner != null && h.leaseExpiresAt != null && h.leaseExpiresAt > now
                return (
                  <tr key={row.peer.agencyId}>
                    <th scope='row'><a href={`/app/peers#peer-${row.peer.agencyId}`}>{row.peer.agencyId}</a></th>
                    <td><StateTag state={state} /></td>
                    <td>{leased ? t.runningBy(h.leaseOwner ?? '', formats.dateTime(h.leaseExpiresAt ?? now)) : t.no}</td>
                    <td>{when(h?.lastAttemptAt, t.never)}</td>
                    <td>{when(h?.lastSuccessAt, t.never)}</td>
                    <td>{state === 'active' || state === 'backing_off' ? when(h?.nextAttemptAt, t.notScheduled) : t.notScheduled}</td>
                    <td>{h?.failedAttempts ?? 0}</td>
                    <td>{lastErrorOf(h, formats)}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
          )}

      <h2>{t.consultationMessagesTitle}</h2>
      <dl class='summary'>
        <dt>{t.outboxWaiting}</dt><dd>{t.outboxWaitingCount(messages.waiting, messages.due)}</dd>
        <dt>{t.outboxOldest}</dt><dd>{when(messages.oldestWaitingSince, t.nothingWaits)}</dd>
        <dt>{t.nextAttempt}</dt><dd>{messages.waiting === 0 ? t.nothingWaits : when(messages.nextAttemptAt, t.notScheduled)}</dd>
        <dt>{t.outboxRefused}</dt><dd>{messages.refused}</dd>
      </dl>
      {messages.failing.length > 0 && (
        <table class='outbox'>
          <caption>{t.outboxFailingCaption(messages.failing.length)}</caption>
          <thead>
            <tr>
              <th scope='col'>{t.columnAgency}</th><th scope='col'>{t.columnMessage}</th><th scope='col'>{t.columnSent}</th>
              <th scope='col'>{t.columnAttempts}</th><th scope='col'>{t.columnLastError}</th><th scope='col'>{t.nextAttempt}</th>
            </tr>
          </thead>
          <tbody>
            {messages.failing.map((m) => (
              <tr key={m.messageId}>
                <th scope='row'>{m.receiver}</th>
                <td>{t.messageKind(m.kind)}</td>
                <td>{formats.dateTime(m.sentAt)}</td>
                <td>{m.attempts}</td>
                <td>{m.lastError ?? t.none}</td>
                <td>{when(m.nextAttemptAt, t.notScheduled)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t.jobs['lapse-reevaluation'].name}</h2>
      <p>{t.lapseLead(view.awaitingLapse)}</p>
    </Layout>
  )
}
