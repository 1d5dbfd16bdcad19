import type { FastifyRequest } from 'fastify'
import type { OwnRecord, PublishedRecord, RecordKind } from '../../records/index.js'
import { userOf } from '../plugins/auth.js'
import { publishedView } from '../schemas/records.js'

/** Who acts (a change, or a read the audit trail records), as the audit trail names them: the user's token subject. */
export const actorOf = (request: FastifyRequest) => userOf(request).subject

/**
 * What every route that writes one of our records answers with (201): the version just
 * published, shown by `view`, and its feed entry; the change is logged as `<kind> <action>`
 * (ids and seq only, never content). The route keeps its typed `reply.code(201).send(...)`.
 */
export function publishedAnswer<K extends RecordKind, V> (request: FastifyRequest, view: (record: OwnRecord<K>) => V, published: PublishedRecord<K>,
  action: 'published' | 'amended' | 'revoked' | 'renewed') {
  const { record, entry } = published
  request.log.info({ recordId: record.recordId, version: record.version, seq: entry.seq }, `${record.kind} ${action}`)
  return publishedView(view, published)
}
