import { Type } from '@sinclair/typebox'

const Text = (maxLength: number, description: string) => Type.String({ minLength: 1, maxLength, description })

/** The audit trail's filters: the API's (`GET /v1/audit-events`) and the web application's audit page alike. */
export const AuditEventQuery = Type.Object({
  action: Type.Optional(Text(100, 'e.g. record-published')),
  actor: Type.Optional(Text(200, 'e.g. an officer\'s token subject')),
  subjectType: Type.Optional(Text(50, 'e.g. record (ours), allied-record, records (a search), import, screening, screening-hit, divergence, divergences (the queue), report, consultation, peer, case, alert')),
  subjectId: Type.Optional(Text(200, 'e.g. a record id; an allied record\'s is <issuer>/<record id>')),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'events at or after this time' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'events before this time' })),
  afterSeq: Type.Optional(Type.Integer({ minimum: 0, description: 'events after this seq: the previous page\'s nextAfterSeq' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 })
}, { additionalProperties: false })
