import { Type } from '@sinclair/typebox'
import { listAuditEvents } from '../../audit/index.js'
import { verifyAuditTrail } from '../../use-cases/index.js'
import { AuditEventQuery } from '../schemas/audit.js'
import { problems } from '../schemas/common.js'
import type { App } from '../types.js'

const tags = ['audit']
const closed = { additionalProperties: false } as const
const DateTime = Type.String({ format: 'date-time' })
const Seq = Type.Integer({ minimum: 1 })
const Hash = Type.String({ description: 'SHA-256 (base64url) of the RFC 8785 form of { seq, at, actor, action, subject, detail, prev }' })

const AuditEvent = Type.Object({
  seq: Seq,
  at: DateTime,
  actor: Type.String({ description: 'an officer\'s or auditor\'s token subject, cli:<os user>, demo, or system' }),
  action: Type.String({ description: 'e.g. record-published, record-amended, record-revoked, record-renewed, records-imported, screening, disposition, divergence-detected, divergence-transition, undercut-recorded, consultation-message-sent, consultation-message-received, peer-enrolled, peer-status-changed, peer-resumed; the reads of people: records-searched, record-viewed, divergences-searched, divergence-viewed, report-exported' }),
  subject: Type.Object({ type: Type.String(), id: Type.String() }, closed),
  detail: Type.Record(Type.String(), Type.Unknown()),
  prevHash: Type.Union([Hash, Type.Null()], { description: 'the hash of the event before; null for the first' }),
  hash: Hash
}, closed)

const AuditEventPage = Type.Object({
  events: Type.Array(AuditEvent),
  nextAfterSeq: Type.Union([Type.Integer(), Type.Null()], { description: 'pass as afterSeq for the next page; null on the last page' })
}, closed)

const AnchorCheck = Type.Object({
  checked: Type.Integer({ description: 'anchors of the trail in our feed (audit-anchor entries) checked against it' }),
  lost: Type.Integer({ description: 'anchors a recovery named as lost with a restored disk, not held against the trail' }),
  last: Type.Union([Type.Object({ feedSeq: Type.Integer(), auditSeq: Type.Integer() }, closed), Type.Null()]),
  fault: Type.Union([Type.Object({
    reason: Type.Union([Type.Literal('cut'), Type.Literal('rewritten')], { description: 'cut: the trail ends before an anchored event; rewritten: an anchored event hashes otherwise now' }),
    feedSeq: Type.Integer(),
    anchoredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    auditSeq: Type.Integer(),
    detail: Type.String()
  }, closed), Type.Null()])
}, closed)

const ChainVerification = Type.Object({
  ok: Type.Boolean({ description: 'every event from fromSeq on is intact and linked, and every anchor in our feed agrees with the trail' }),
  checked: Type.Integer({ description: 'events found intact' }),
  lastSeq: Type.Union([Type.Integer(), Type.Null()], { description: 'the last intact event: compare with a head recorded earlier to catch events removed from the end' }),
  lastHash: Type.Union([Hash, Type.Null()]),
  firstBad: Type.Optional(Type.Object({
    seq: Seq,
    reason: Type.Union([Type.Literal('hash-mismatch'), Type.Literal('broken-link'), Type.Literal('gap')]),
    detail: Type.String()
  }, closed)),
  anchors: AnchorCheck
}, closed)

/** The hash-chained audit trail (auditors). */
export async function auditEventRoutes (app: App) {
  app.get('/', {
    schema: {
      tags,
      summary: 'Audit events in seq order, filtered, a page at a time',
      description: 'Every publication, amendment, revocation, renewal and import of our records, screening, disposition and divergence transition, with who did it; ' +
        'and every search, view and export of records and divergences by an officer or auditor, with what it returned (action=records-searched, record-viewed, divergences-searched, divergence-viewed, report-exported).',
      querystring: AuditEventQuery,
      response: { 200: AuditEventPage, ...problems(400) }
    }
  }, async (request) => listAuditEvents(app.db, request.query))

  app.get('/verification', {
    schema: {
      tags,
      summary: 'Verify the audit trail: recompute every hash, check every link and that no seq is missing, and check it against its anchors in our feed (a cut end)',
      querystring: Type.Object({ fromSeq: Type.Optional(Seq) }, closed),
      response: { 200: ChainVerification, ...problems(400) }
    }
  }, async (request) => {
    const { ok, chain, anchors } = await verifyAuditTrail(app.services, { fromSeq: request.query.fromSeq })
    request.log.info({ ok, checked: chain.checked, lastSeq: chain.lastSeq, firstBad: chain.ok ? undefined : chain.firstBad.seq, anchorFault: anchors.fault?.reason }, 'audit trail verified')
    return { ...chain, ok, anchors }
  })
}
