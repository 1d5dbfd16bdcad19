import { Application as ApplicationSchema } from '../screening/index.js'
import { readNested, type FieldError } from './form-values.js'

/** A party row of the screening form, as typed. */
export interface PartyRow { role: string, name: string, country: string, aliases: string, identifiers: string }
/** An item row of the screening form, as typed. */
export interface ItemRow { description: string, codes: string, partNumber: string }

/** The screening form as typed: what is shown back with its errors, or after a row is added or removed. */
export interface ScreeningForm {
  reference: string
  destination: string
  date: string
  endUse: string
  parties: PartyRow[]
  items: ItemRow[]
}

/** The most rows the form offers (the API takes more; an officer screening more uses it). */
export const MAX_ROWS = 20

const EMPTY_PARTY: PartyRow = { role: 'end_user', name: '', country: '', aliases: '', identifiers: '' }
const EMPTY_ITEM: ItemRow = { description: '', codes: '', partNumber: '' }

export function emptyScreeningForm (): ScreeningForm {
  return { reference: '', destination: '', date: '', endUse: '', parties: [{ ...EMPTY_PARTY }], items: [{ ...EMPTY_ITEM }] }
}

/** What the officer asked of the form: to screen it, or to add or remove a row (the form is shown again). */
export type FormAction = { kind: 'screen' } | { kind: 'add', rows: 'parties' | 'items' } | { kind: 'remove', rows: 'parties' | 'items', index: number }

/**
 * The form's posted fields (`party-0-name`, `item-1-codes`…; rows numbered as shown) read back
 * into the form, and the button pressed (`action`: `screen`, `add-party`, `remove-item-2`…).
 * Without JavaScript, adding and removing rows are submit buttons: the form comes back with the
 * change and everything typed kept.
 */
export function readScreeningForm (body: Readonly<Record<string, unknown>>): { form: ScreeningForm, action: FormAction } {
  const text = (key: string) => { const v = body[key]; return typeof v === 'string' ? v : '' }
  const rows = <T>(prefix: string, read: (i: number) => T) => {
    const indexes = new Set<number>()
    for (const key of Object.keys(body)) {
      const m = new RegExp(`^${prefix}-(\\d{1,2})-`).exec(key)
      if (m !== null && Number(m[1]) < MAX_ROWS) indexes.add(Number(m[1]))
    }
    return [...indexes].sort((a, b) => a - b).map(read)
  }
  const form: ScreeningForm = {
    reference: text('reference'),
    destination: text('destination'),
    date: text('date'),
    endUse: text('endUse'),
    parties: rows('party', (i) => ({ role: text(`party-${i}-role`) || 'end_user', name: text(`party-${i}-name`), country: text(`party-${i}-country`), aliases: text(`party-${i}-aliases`), identifiers: text(`party-${i}-identifiers`) })),
    items: rows('item', (i) => ({ description: text(`item-${i}-description`), codes: text(`item-${i}-codes`), partNumber: text(`item-${i}-partNumber`) }))
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
  return { form, action: { kind: 'screen' } }
}

const IDENTIFIER_SCHEMES = ['lei', 'vat', 'duns', 'registration', 'tax', 'imo', 'passport', 'other']

/** Labels of the form's fields: the words of its error summary. */
export function screeningFieldLabel (field: string): string {
  const row = /^(party|item)-(\d+)-(\w+)$/.exec(field)
  if (row === null) return ({ reference: 'Reference', destination: 'Destination', date: 'Date of the decision', endUse: 'End use', parties: 'Parties', items: 'Items' } as Record<string, string>)[field] ?? field
  const [, kind, index, name] = row
  const words: Record<string, string> = { role: 'role', name: 'name', country: 'country', aliases: 'other names', identifiers: 'identifiers', description: 'description', codes: 'control entries', partNumber: 'part number' }
  return `${kind === 'party' ? 'Party' : 'Item'} ${Number(index) + 1} ${words[name ?? ''] ?? name}`
}

/**
 * The application the form describes, checked by the screening API's own schema; or the
 * errors, each on its field. Lines of the list fields: other names one per line, identifiers
 * `scheme value` (registration 1027700167110), control entries `list entry` (uk 3A001.a.1),
 * one per line or separated by semicolons.
 */
export function applicationOf (form: ScreeningForm): { application: ApplicationSchema, errors: [] } | { application: undefined, errors: FieldError[] } {
  const errors: FieldError[] = []
  const lines = (value: string) => value.split(/[\n;]/).map((l) => l.trim()).filter((l) => l !== '')
  const parties = form.parties.map((p, i) => ({
    role: p.role,
    name: p.name.trim(),
    country: p.country.trim().toUpperCase(),
    aliases: lines(p.aliases),
    identifiers: lines(p.identifiers).flatMap((line) => {
      const m = /^(\S+)\s*[: ]\s*(.+)$/.exec(line)
      if (m === null || !IDENTIFIER_SCHEMES.includes((m[1] ?? '').toLowerCase())) {
        errors.push({ field: `party-${i}-identifiers`, message: `${screeningFieldLabel(`party-${i}-identifiers`)}: write each as a scheme and a value, such as registration 1027700167110 (schemes: ${IDENTIFIER_SCHEMES.join(', ')})` })
        return []
      }
      return [{ scheme: (m[1] ?? '').toLowerCase(), value: (m[2] ?? '').trim() }]
    })
  }))
  const items = form.items.map((item, i) => ({
    description: item.description.trim(),
    ...(item.partNumber.trim() === '' ? {} : { partNumber: item.partNumber.trim() }),
    codes: lines(item.codes).flatMap((line) => {
      const m = /^(\S+)\s+(\S.*)$/.exec(line)
      if (m === null) {
        errors.push({ field: `item-${i}-codes`, message: `${screeningFieldLabel(`item-${i}-codes`)}: write each as its list and its entry, such as uk 3A001.a.1` })
        return []
      }
      return [{ regime: (m[1] ?? '').toLowerCase(), code: (m[2] ?? '').trim() }]
    })
  }))
  const application = {
    ...(form.reference.trim() === '' ? {} : { reference: form.reference.trim() }),
    parties,
    items,
    destination: form.destination.trim().toUpperCase(),
    endUse: form.endUse.trim(),
    ...(form.date.trim() === '' ? {} : { date: form.date.trim() })
  }
  const fieldOf = (pointer: string) => {
    const [, list, index, name] = pointer.split('/')
    if (list === 'parties' && index !== undefined && name !== undefined) return `party-${index}-${name}`
    if (list === 'items' && index !== undefined && name !== undefined) return `item-${index}-${name}`
    return list ?? ''
  }
  for (const error of readNested(ApplicationSchema, application, fieldOf, screeningFieldLabel)) {
    if (!errors.some((e) => e.field === error.field)) errors.push(error)
  }
  return errors.length === 0 ? { application: application as ApplicationSchema, errors: [] } : { application: undefined, errors }
}
