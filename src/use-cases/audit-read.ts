import { appendAuditEvents, type AuditEventDraft } from '../audit/index.js'
import type { UseCaseContext } from './context.js'

/** A record as a read's event names it: which one, and which version was shown. */
export interface ShownRecord {
  issuer: string
  id: string
  version: number
}

/**
 * Appends the event of a read a person made (docs/federation.md §5), in its own transaction,
 * after the read and before the answer is sent: a read writes nothing else, so there is no
 * change for the event to commit with. When the append fails, it throws and the read's answer
 * is never sent.
 */
export async function auditRead (ctx: Pick<UseCaseContext, 'db' | 'clock'>, draft: AuditEventDraft): Promise<void> {
  await ctx.db.transaction().execute((trx) => appendAuditEvents(trx, [draft], ctx.clock))
}

/** The filters as given, without the page's cursor (the event names it apart) and without those left out. */
export function filtersOf (query: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query).filter(([key, value]) => key !== 'cursor' && value !== undefined))
}
