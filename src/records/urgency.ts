import type { EntryPayload } from '../feed/index.js'
import type { DecisionContent } from './schemas.js'

type UrgencyFields = Partial<Pick<DecisionContent, 'outcome' | 'consultation' | 'undercutOverride'>>

/** A grant recorded over an allied denial (after consultation, or overriding the warning): allies should know at once. */
const undercuts = (decision: UrgencyFields) => decision.outcome === 'granted' && (decision.consultation !== undefined || decision.undercutOverride !== undefined)

/**
 * Whether allies should hear of an entry of ours at once (pushed to their inboxes) rather than
 * at their next pull: a denial, a grant over an allied denial, an amendment making either, a
 * revocation, a renewal; and a change of our keys (a revoked key must stop being trusted at
 * once). The rule is the records' (what the entry means), not the sync's.
 */
export function isUrgentEntry (payload: EntryPayload): boolean {
  const body = payload.body as UrgencyFields & { content?: UrgencyFields }
  switch (payload.kind) {
    case 'decision': return body.outcome === 'denied' || undercuts(body)
    case 'amendment': return body.content?.outcome === 'denied' || undercuts(body.content ?? {})
    case 'revocation':
    case 'renewal':
    case 'key-status': return true
    default: return false
  }
}
