import type { FieldError } from '../form-values.js'
import { MAX_ROWS, type ApplicationForm } from '../application-form.js'
import { texts } from '../text/en.js'
import { SelectField, TextArea, TextField } from './form-parts.js'

const t = texts.screening
const ROLES = ['end_user', 'consignee', 'intermediate_consignee', 'purchaser', 'agent', 'third_party'].map((r) => [r, texts.roleLabel(r)] as const)

/**
 * A transaction's parties and items as form rows (the screening and decision forms): each row a
 * fieldset, added and removed by submit buttons (`action=add-party`, `remove-item-2`…), no script.
 */
export function ApplicationRows ({ form, errors, codesHint = t.codesHint, full = false }: { form: ApplicationForm, errors: readonly FieldError[], codesHint?: string, full?: boolean }) {
  return (
    <>
      <h2>{t.parties}</h2>
      {form.parties.map((party, i) => (
        <fieldset class='row' key={`party-${i}`}>
          <legend>{t.party(i + 1)}</legend>
          <div class='field-row'>
            <SelectField name={`party-${i}-role`} label='Role' value={party.role} errors={errors} options={ROLES} />
            <TextField name={`party-${i}-name`} label='Name' value={party.name} errors={errors} hint={t.nameHint} width='wide' />
            <TextField name={`party-${i}-country`} label='Country' value={party.country} errors={errors} hint={t.countryHint} width='narrow' />
          </div>
          <div class='field-row'>
            <TextArea name={`party-${i}-aliases`} label='Other names' value={party.aliases} errors={errors} hint={t.aliasesHint} />
            <TextArea name={`party-${i}-identifiers`} label='Identifiers' value={party.identifiers} errors={errors} hint={t.identifiersHint} />
            {full && <TextArea name={`party-${i}-address`} label='Address' value={party.address} errors={errors} />}
          </div>
          {form.parties.length > 1 && <button type='submit' name='action' value={`remove-party-${i}`} class='button button--quiet'>{t.removeParty(i + 1)}</button>}
        </fieldset>
      ))}
      {form.parties.length < MAX_ROWS && <button type='submit' name='action' value='add-party' class='button button--quiet'>{t.addParty}</button>}
      <h2>{t.items}</h2>
      {form.items.map((item, i) => (
        <fieldset class='row' key={`item-${i}`}>
          <legend>{t.item(i + 1)}</legend>
          <TextField name={`item-${i}-description`} label='Description' value={item.description} errors={errors} width='wide' />
          <div class='field-row'>
            <TextArea name={`item-${i}-codes`} label='Control entries' value={item.codes} errors={errors} hint={codesHint} />
            <TextField name={`item-${i}-partNumber`} label='Part number' value={item.partNumber} errors={errors} />
            {full && <TextField name={`item-${i}-manufacturer`} label='Manufacturer' value={item.manufacturer} errors={errors} />}
          </div>
          {full && (
            <div class='field-row'>
              <TextField name={`item-${i}-quantity`} label='Quantity' value={item.quantity} errors={errors} width='narrow' />
              <TextField name={`item-${i}-unit`} label='Unit' value={item.unit} errors={errors} />
              <TextField name={`item-${i}-value`} label='Value' value={item.value} errors={errors} hint={t.valueHint} />
            </div>
          )}
          {form.items.length > 1 && <button type='submit' name='action' value={`remove-item-${i}`} class='button button--quiet'>{t.removeItem(i + 1)}</button>}
        </fieldset>
      ))}
      {form.items.length < MAX_ROWS && <button type='submit' name='action' value='add-item' class='button button--quiet'>{t.addItem}</button>}
    </>
  )
}

/** Every value of `form` as hidden fields: a later step (check your answers, the undercut warning) posts the whole form again. */
export function HiddenForm ({ form, except = [] }: { form: ApplicationForm, except?: readonly string[] }) {
  const hidden = (name: string, value: string) => <input type='hidden' name={name} value={value} key={name} />
  return (
    <>
      {Object.entries(form.fields).filter(([name]) => !except.includes(name)).map(([name, value]) => hidden(name, value))}
      {form.parties.flatMap((p, i) => Object.entries(p).map(([name, value]) => hidden(`party-${i}-${name}`, value)))}
      {form.items.flatMap((item, i) => Object.entries(item).map(([name, value]) => hidden(`item-${i}-${name}`, value)))}
    </>
  )
}
