import type { Db } from '../db/create-db.js'
import { errors } from '../lib/errors.js'
import type { ConsultationCitation } from '../records/index.js'

/**
 * The citation a grant carries of a consultation we asked: the consulted agency, the denial,
 * its answer (`none` when its deadline passed without one) and our justification. Refuses a
 * consultation asked of us, or one still awaiting its reply or our information
 * (CONSULTATION_NOT_CITABLE), saying what is awaited.
 */
export async function citeConsultation (db: Db, today: string, request: { id: string, justification: string }): Promise<ConsultationCitation> {
  const row = await db.selectFrom('consultations').select(['direction', 'consulted', 'denial_issuer', 'denial_record_id', 'state', 'deadline'])
    .where('id', '=', request.id).executeTakeFirst()
  if (row === undefined) throw errors.consultationNotFound(request.id)
  if (row.direction !== 'outgoing') throw errors.consultationNotCitable(request.id, 'it was asked of us by another agency; a grant cites a consultation we asked of the denying agency')
  let answer: ConsultationCitation['answer']
  if (row.state === 'no-objection' || row.state === 'objection') answer = row.state
  else if (row.state === 'requested' && row.deadline < today) answer = 'none'
  else if (row.state === 'withdrawn') throw errors.consultationNotCitable(request.id, 'we withdrew it')
  else if (row.state === 'requested') throw errors.consultationNotCitable(request.id, `${row.consulted} has until ${row.deadline} to reply`)
  else throw errors.consultationNotCitable(request.id, `${row.consulted} asked for more information: send it (POST /v1/consultations/${request.id}/information) and await the reply`)
  return {
    id: request.id,
    agency: row.consulted,
    denial: { issuer: row.denial_issuer, recordId: row.denial_record_id },
    answer,
    justification: request.justification
  }
}
