// Dates and times as pages show them: one definition, in lib/ (the report's HTML uses it too).
export { createFormats, type Formats } from '../lib/format-dates.js'
