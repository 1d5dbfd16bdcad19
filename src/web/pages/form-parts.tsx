import type { FieldError } from '../form-values.js'
import { texts } from '../text/en.js'

/** An error summary at the top of a form: each message links to its field (the pattern officers know from government services). */
export function ErrorSummary ({ errors }: { errors: readonly FieldError[] }) {
  if (errors.length === 0) return null
  return (
    <div class='error-summary' role='alert' aria-labelledby='error-summary-title' tabIndex={-1}>
      <h2 id='error-summary-title'>{texts.errorSummaryTitle}</h2>
      <ul>{errors.map((e) => <li key={e.field}><a href={`#${e.field}`}>{e.message}</a></li>)}</ul>
    </div>
  )
}

interface FieldProps {
  /** The form field's name, also its id (the error summary links to it). */
  name: string
  label: string
  value: string
  errors: readonly FieldError[]
  hint?: string | undefined
}

/** What a field's label, hint and error share: ids for `aria-describedby`, the error's class. */
function describe ({ name, errors, hint }: FieldProps) {
  const error = errors.find((e) => e.field === name)
  const describedBy = [hint === undefined ? '' : `${name}-hint`, error === undefined ? '' : `${name}-error`].filter((s) => s !== '').join(' ') || undefined
  return { error, describedBy, invalid: error === undefined ? undefined : true, fieldClass: `field${error === undefined ? '' : ' field--error'}` }
}

function FieldLabel ({ name, label, hint, error }: { name: string, label: string, hint?: string | undefined, error: FieldError | undefined }) {
  return (
    <>
      <label for={name}>{label}</label>
      {hint !== undefined && <span class='hint' id={`${name}-hint`}>{hint}</span>}
      {error !== undefined && <span class='field-error' id={`${name}-error`}>{error.message}</span>}
    </>
  )
}

/** A one-line text (or date) field with its label, hint and error. */
export function TextField (props: FieldProps & { type?: 'text' | 'date', width?: 'wide' | 'narrow' | undefined }) {
  const { error, describedBy, invalid, fieldClass } = describe(props)
  return (
    <div class={fieldClass}>
      <FieldLabel name={props.name} label={props.label} hint={props.hint} error={error} />
      {props.type === 'date'
        ? <input id={props.name} name={props.name} type='date' value={props.value} class={props.width} aria-describedby={describedBy} aria-invalid={invalid} />
        : <input id={props.name} name={props.name} type='text' value={props.value} class={props.width} aria-describedby={describedBy} aria-invalid={invalid} />}
    </div>
  )
}

/** A text area: one entry per line where the hint says so. */
export function TextArea (props: FieldProps & { rows?: number }) {
  const { error, describedBy, invalid, fieldClass } = describe(props)
  return (
    <div class={fieldClass}>
      <FieldLabel name={props.name} label={props.label} hint={props.hint} error={error} />
      <textarea id={props.name} name={props.name} rows={props.rows ?? 2} aria-describedby={describedBy} aria-invalid={invalid}>{props.value}</textarea>
    </div>
  )
}

/** A file input with its label, hint and error (a browser never shows a file again: no value). */
export function FileField (props: Omit<FieldProps, 'value'> & { accept: string }) {
  const { error, describedBy, invalid, fieldClass } = describe({ ...props, value: '' })
  return (
    <div class={fieldClass}>
      <FieldLabel name={props.name} label={props.label} hint={props.hint} error={error} />
      <input id={props.name} name={props.name} type='file' accept={props.accept} aria-describedby={describedBy} aria-invalid={invalid} />
    </div>
  )
}

/** A drop-down of `options` ([value, label]). */
export function SelectField (props: FieldProps & { options: ReadonlyArray<readonly [string, string]> }) {
  const { error, describedBy, invalid, fieldClass } = describe(props)
  return (
    <div class={fieldClass}>
      <FieldLabel name={props.name} label={props.label} hint={props.hint} error={error} />
      <select id={props.name} name={props.name} aria-describedby={describedBy} aria-invalid={invalid}>
        {props.options.map(([value, label]) => <option key={value} value={value} selected={props.value === value}>{label}</option>)}
      </select>
    </div>
  )
}

/** The session's CSRF token, in every form that posts. */
export function Csrf ({ token }: { token: string | undefined }) {
  return <input type='hidden' name='_csrf' value={token ?? ''} />
}

/** A group of radio buttons in a fieldset whose legend is the question. */
export function Radios (props: FieldProps & { options: ReadonlyArray<readonly [string, string]> }) {
  const { error, describedBy, fieldClass } = describe(props)
  return (
    <fieldset class={fieldClass} id={props.name} aria-describedby={describedBy}>
      <legend>{props.label}</legend>
      {props.hint !== undefined && <span class='hint' id={`${props.name}-hint`}>{props.hint}</span>}
      {error !== undefined && <span class='field-error' id={`${props.name}-error`}>{error.message}</span>}
      {props.options.map(([value, label]) => (
        <div class='radio' key={value}>
          <input type='radio' id={`${props.name}-${value}`} name={props.name} value={value} checked={props.value === value} />
          <label for={`${props.name}-${value}`}>{label}</label>
        </div>
      ))}
    </fieldset>
  )
}

/** A checkbox with its label. */
export function Checkbox ({ name, label, checked }: { name: string, label: string, checked: boolean }) {
  return (
    <div class='checkbox'>
      <input type='checkbox' id={name} name={name} value='yes' checked={checked} />
      <label for={name}>{label}</label>
    </div>
  )
}
