import { Application as ApplicationSchema } from '../screening/index.js'
import type { DecisionContent } from '../records/index.js'
import { DecisionRecording } from '../use-cases/index.js'
import type { Static, TSchema } from '@sinclair/typebox'
import { readNested, type FieldError } from './form-values.js'

/** A party row, as typed (`address` on the decision form only). */
export interface PartyRow { role: string, name: string, country: string, aliases: string, identifiers: string, address: string }
/** An item row, as typed (manufacturer, quantity, unit and value on the decision form only; value as `amount currency`). */
export interface ItemRow { description: string, codes: string, partNumber: string, manufacturer: string, quantity: string, unit: string, value: string }

/**
 * A form describing a transaction, as typed (the screening form, the decision form): its own
 * fields, and a row per party and per item; what is shown back with its errors, or after a row
 * is added or removed.
 */
export interface ApplicationForm {
  fields: Record<string, string>
  parties: PartyRow[]
  items: ItemRow[]
}

/** The screening form's own fields. */
export const SCREENING_FIELDS = ['reference', 'destination', 'date', 'endUse'] as const

/** The most rows the form offers (the API takes more; an officer screening more uses it). */
export const MAX_ROWS = 20

const EMPTY_PARTY: PartyRow = { role: 'end_user', name: '', country: '', aliases: '', identifiers: '', address: '' }
const EMPTY_ITEM: ItemRow = { description: '', codes: '', partNumber: '', manufacturer: '', quantity: '', unit: '', value: '' }

export function emptyApplicationForm (fields: Record<string, string> = {}): ApplicationForm {
  return { fields, parties: [{ ...EMPTY_PARTY }], items: [{ ...EMPTY_ITEM }] }
}

/** What the officer asked of the form: to submit it (`step`: the button's value), or to add or remove a row (the form is shown again). */
export type FormAction = { kind: 'submit', step: string } | { kind: 'add', rows: 'parties' | 'items' } | { kind: 'remove', rows: 'parties' | 'items', index: number }

/**
 * The form's posted fields (`party-0-name`, `item-1-codes`…; rows numbered as shown) read back
 * into the form, and the button pressed (`action`: `screen`, `add-party`, `remove-item-2`…).
 * Without JavaScript, adding and removing rows are submit buttons: the form comes back with the
 * change and everything typed kept.
 */
export function readApplicationForm (body: Readonly<Record<string, unknown>>, fieldNames: readonly string[]): { form: ApplicationForm, action: FormAction } {
  const text = (key: string) => { const v = body[key]; return typeof v === 'string' ? v : '' }
  const rows = <T>(prefix: string, read: (i: number) => T) => {
    const indexes = new Set<number>()
    for (const key of Object.keys(body)) {
      const m = new RegExp(`^${prefix}-(\\d{1,2})-`).exec(key)
      if (m !== null && Number(m[1]) < MAX_ROWS) indexes.add(Number(m[1]))
    }
    return [...indexes].sort((a, b) => a - b).map(read)
  }
  const form: ApplicationForm = {
    fields: Object.fromEntries(fieldNames.map((name) => [name, text(name)])),
    parties: rows('party', (i) => ({
      role: text(`party-${i}-role`) || 'end_user', name: text(`party-${i}-name`), country: text(`party-${i}-country`), aliases: text(`party-${i}-aliases`), identifiers: text(`party-${i}-identifiers`), address: text(`party-${i}-address`)
    })),
    items: rows('item', (i) => ({
      description: text(`item-${i}-description`),
      codes: text(`item-${i}-codes`),
      partNumber: text(`item-${i}-partNumber`),
      manufacturer: text(`item-${i}-manufacturer`),
      quantity: text(`item-${i}-quantity`),
      unit: text(`item-${i}-unit`),
      value: text(`item-${i}-value`)
    }))
  }
  const action = text('action')
  const remove = /^remove-(party|item)-(\d+)$/.exec(action)
  if (action === 'add-party' || action === 'add-item') {
    const which = action === 'add-party' ? 'parties' : 'items'
    if (form[which].length < MAX_ROWS) which === 'parties' ? form.parties.push({ ...EMPTY_PARTY }) : form.items.push({ ...EMPTY_ITEM })
    return { form, action: { kind: 'add', rows: which } }
  }
  if (remove !== null) {
    const which = remove[1] === 'party' ? 'parties' : 'items'
    form[which].splice(Number(remove[2]), 1)
    if (form[which].length === 0) which === 'parties' ? form.parties.push({ ...EMPTY_PARTY }) : form.items.push({ ...EMPTY_ITEM })
    return { form, action: { kind: 'remove', rows: which, index: Number(remove[2]) } }
  }
  if (form.parties.length === 0) form.parties.push({ ...EMPTY_PARTY })
  if (form.items.length === 0) form.items.push({ ...EMPTY_ITEM })
  return { form, action: { kind: 'submit', step: action } }
}

const IDENTIFIER_SCHEMES = ['lei', 'vat', 'duns', 'registration', 'tax', 'imo', 'passport', 'other']

const FIELD_LABELS: Record<string, string> = {
  reference: 'Reference',
  destination: 'Destination',
  date: 'Date of the decision',
  decisionDate: 'Date of the decision',
  validUntil: 'Valid until',
  outcome: 'Outcome',
  licenceType: 'Licence type',
  validFrom: 'Valid from',
  regimeReferences: 'Regime references',
  notes: 'Notes',
  amendReason: 'Why the decision is amended',
  reasons: 'Reasons',
  endUse: 'End use',
  consultation: 'Consultation',
  justification: 'Why the licence is granted notwithstanding the denial',
  overrideReason: 'Why the grant is recorded notwithstanding the denials',
  parties: 'Parties',
  items: 'Items'
}

/** Labels of the form's fields: the words of its error summary. */
export function applicationFieldLabel (field: string): string {
  const row = /^(party|item)-(\d+)-(\w+)$/.exec(field)
  if (row === null) return FIELD_LABELS[field] ?? field
  const [, kind, index, name] = row
  const words: Record<string, string> = {
    role: 'role',
    name: 'name',
    country: 'country',
    aliases: 'other names',
    identifiers: 'identifiers',
    address: 'address',
    description: 'description',
    codes: 'control entries',
    partNumber: 'part number',
    manufacturer: 'manufacturer',
    quantity: 'quantity',
    unit: 'unit',
    value: 'value'
  }
  return `${kind === 'party' ? 'Party' : 'Item'} ${Number(index) + 1} ${words[name ?? ''] ?? name}`
}

/** One entry per line (or separated by semicolons), trimmed, empty ones left out. */
const lines = (value: string) => value.split(/[\n;]/).map((l) => l.trim()).filter((l) => l !== '')

/**
 * The form's party and item rows as the API's objects. Lines of the list fields: other names
 * one per line, identifiers `scheme value` (registration 1027700167110), control entries
 * `list entry` (uk 3A001.a.1), one per line or separated by semicolons; a line of another form
 * is an error on its field.
 */
export function rowsOf (form: ApplicationForm, errors: FieldError[]) {
  const optional = (name: string, value: string) => value.trim() === '' ? {} : { [name]: value.trim() }
  const parties = form.parties.map((p, i) => ({
    role: p.role,
    name: p.name.trim(),
    country: p.country.trim().toUpperCase(),
    ...optional('address', p.address),
    aliases: lines(p.aliases),
    identifiers: lines(p.identifiers).flatMap((line) => {
      const m = /^(\S+?)\s*[: ]\s*(.+?)(?:\s+\(([A-Z]{2})\))?$/.exec(line)
      if (m === null || !IDENTIFIER_SCHEMES.includes((m[1] ?? '').toLowerCase())) {
        errors.push({ field: `party-${i}-identifiers`, message: `${applicationFieldLabel(`party-${i}-identifiers`)}: write each as a scheme and a value, such as registration 1027700167110 (schemes: ${IDENTIFIER_SCHEMES.join(', ')})` })
        return []
      }
      return [{ scheme: (m[1] ?? '').toLowerCase(), value: (m[2] ?? '').trim(), ...(m[3] === undefined ? {} : { country: m[3] }) }]
    })
  }))
  const items = form.items.map((item, i) => ({
    description: item.description.trim(),
    ...optional('partNumber', item.partNumber),
    ...optional('manufacturer', item.manufacturer),
    ...optional('unit', item.unit),
    ...(item.quantity.trim() === '' ? {} : { quantity: numberOf(item.quantity, `item-${i}-quantity`, errors) }),
    ...(item.value.trim() === '' ? {} : { value: moneyOf(item.value, `item-${i}-value`, errors) }),
    codes: lines(item.codes).flatMap((line) => {
      const m = /^(\S+)\s+(\S.*)$/.exec(line)
      if (m === null) {
        errors.push({ field: `item-${i}-codes`, message: `${applicationFieldLabel(`item-${i}-codes`)}: write each as its list and its entry, such as uk 3A001.a.1` })
        return []
      }
      return [{ regime: (m[1] ?? '').toLowerCase(), code: (m[2] ?? '').trim() }]
    })
  }))
  return { parties, items }
}

/** A number as typed (1234.5, no separators); an error on `field` otherwise. */
function numberOf (text: string, field: string, errors: FieldError[]): number {
  const n = Number(text.trim())
  if (text.trim() === '' || !Number.isFinite(n)) errors.push({ field, message: `${applicationFieldLabel(field)}: enter a number, such as 1234.5` })
  return n
}

/** An amount and its currency as typed (`19000 GBP`); an error on `field` otherwise. */
function moneyOf (text: string, field: string, errors: FieldError[]): { amount: number, currency: string } {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s+([A-Za-z]{3})$/.exec(text.trim())
  if (m === null) errors.push({ field, message: `${applicationFieldLabel(field)}: enter an amount and its currency, such as 19000 GBP` })
  return { amount: Number(m?.[1] ?? 0), currency: (m?.[2] ?? '').toUpperCase() }
}

/** The form field of an error's JSON pointer into a value the form describes (`/parties/1/name` → `party-1-name`). */
function fieldOf (pointer: string): string {
  const [, list, index, name] = pointer.split('/')
  if (list === 'parties' && index !== undefined && name !== undefined) return `party-${index}-${name}`
  if (list === 'items' && index !== undefined && name !== undefined) return `item-${index}-${name}`
  if (list === 'consultation' && index === 'justification') return 'justification'
  if (list === 'undercutOverride') return 'overrideReason'
  if (list === 'items' && index !== undefined && pointer.split('/')[3] === 'value') return `item-${index}-value`
  return list ?? ''
}

/**
 * `value` (built from `form`) checked by the API's schema `schema`, as a request body is: the
 * value, or every error (those found reading the rows first), each once on its field.
 */
export function checked<T extends TSchema> (schema: T, value: unknown, errors: FieldError[]): { value: Static<T>, errors: [] } | { value: undefined, errors: FieldError[] } {
  for (const error of readNested(schema, value, fieldOf, applicationFieldLabel)) {
    if (!errors.some((e) => e.field === error.field)) errors.push(error)
  }
  return errors.length === 0 ? { value: value as Static<T>, errors: [] } : { value: undefined, errors }
}

/** The application the screening form describes, checked by the screening API's own schema; or the errors, each on its field. */
export function applicationOf (form: ApplicationForm) {
  const errors: FieldError[] = []
  const f = form.fields
  const text = (name: string) => (f[name] ?? '').trim()
  const application = {
    ...(text('reference') === '' ? {} : { reference: text('reference') }),
    ...rowsOf(form, errors),
    destination: text('destination').toUpperCase(),
    endUse: text('endUse'),
    ...(text('date') === '' ? {} : { date: text('date') })
  }
  return checked(ApplicationSchema, application, errors)
}

/** The decision form's own fields (beside the party and item rows). */
export const DECISION_FIELDS = [
  'reference', 'outcome', 'decisionDate', 'validFrom', 'validUntil', 'destination', 'endUse', 'licenceType', 'reasons', 'regimeReferences', 'notes',
  'consultation', 'justification', 'overrideReason', 'amendReason'
] as const

/**
 * The decision the form describes, checked by the JSON API's own schema for `POST /v1/decisions`
 * (`DecisionRecording`); or the errors, each on its field. Reasons one per line, `scheme code`
 * and an optional `: text` (eu-cp-2008-944 7: risk of diversion). A consultation cited (a grant
 * only) with its justification; `override` adds the undercut override with its reason.
 */
export function decisionOf (form: ApplicationForm, options: { override?: boolean } = {}) {
  const errors: FieldError[] = []
  const text = (name: string) => (form.fields[name] ?? '').trim()
  const reasons = lines(text('reasons')).flatMap((line) => {
    const m = /^(\S+)\s+([^:\s]+)\s*(?::\s*(.+))?$/.exec(line)
    if (m === null) {
      errors.push({ field: 'reasons', message: 'Reasons: write each as its scheme and its code, such as eu-cp-2008-944 7, with an optional ": text"' })
      return []
    }
    return [{ scheme: m[1] ?? '', code: m[2] ?? '', ...(m[3] === undefined ? {} : { text: m[3].trim() }) }]
  })
  const optional = (name: string) => text(name) === '' ? {} : { [name]: text(name) }
  const decision = {
    reference: text('reference'),
    outcome: text('outcome'),
    decisionDate: text('decisionDate'),
    ...optional('validUntil'),
    destination: text('destination').toUpperCase(),
    endUse: text('endUse'),
    ...rowsOf(form, errors),
    reasons,
    ...optional('licenceType'),
    ...optional('validFrom'),
    ...optional('notes'),
    regimeReferences: lines(text('regimeReferences')).flatMap((line) => {
      const m = /^(\S+)\s+(\S.*)$/.exec(line)
      if (m === null) {
        errors.push({ field: 'regimeReferences', message: 'Regime references: write each as the regime and its reference, such as wassenaar WA-DN-2025-17' })
        return []
      }
      return [{ regime: (m[1] ?? '').toLowerCase(), reference: (m[2] ?? '').trim() }]
    }),
    ...(text('consultation') === '' ? {} : { consultation: { id: text('consultation'), justification: text('justification') } }),
    ...(options.override === true ? { undercutOverride: { reason: text('overrideReason') } } : {})
  }
  return checked(DecisionRecording, decision, errors)
}

/** One of our decisions as the decision form shows it, to amend: every field it holds, as typed. */
export function decisionFormOf (decision: DecisionContent): ApplicationForm {
  return {
    fields: {
      reference: decision.reference,
      outcome: decision.outcome,
      decisionDate: decision.decisionDate,
      validFrom: decision.validFrom ?? '',
      validUntil: decision.validUntil ?? '',
      destination: decision.destination,
      endUse: decision.endUse,
      licenceType: decision.licenceType ?? '',
      reasons: decision.reasons.map((r) => `${r.scheme} ${r.code}${r.text === undefined ? '' : `: ${r.text}`}`).join('\n'),
      regimeReferences: decision.regimeReferences.map((r) => `${r.regime} ${r.reference}`).join('\n'),
      notes: decision.notes ?? ''
    },
    parties: decision.parties.map((p) => ({
      role: p.role,
      name: p.name,
      country: p.country,
      aliases: p.aliases.join('\n'),
      identifiers: p.identifiers.map((id) => `${id.scheme} ${id.value}${id.country === undefined ? '' : ` (${id.country})`}`).join('\n'),
      address: p.address ?? ''
    })),
    items: decision.items.map((item) => ({
      description: item.description,
      codes: item.codes.map((c) => `${c.regime} ${c.code}`).join('\n'),
      partNumber: item.partNumber ?? '',
      manufacturer: item.manufacturer ?? '',
      quantity: item.quantity === undefined ? '' : String(item.quantity),
      unit: item.unit ?? '',
      value: item.value === undefined ? '' : `${item.value.amount} ${item.value.currency}`
    }))
  }
}
