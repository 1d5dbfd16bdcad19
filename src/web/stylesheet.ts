import { createHash } from 'node:crypto'

/**
 * The agency's own stylesheet, the only thing pages load: no web font, no framework; plain,
 * legible, high contrast, and a print part. Kept in the code (not a file beside it) so that the
 * build and the container carry it with the JavaScript; served under a name with its hash,
 * cached for a year.
 */
export const STYLESHEET = `/* The agency's own stylesheet: no web font, no framework. Plain, legible, high contrast. */
:root { --text: #1b1b1b; --muted: #4b4b4b; --link: #1d4f91; --link-visited: #4c2c92; --focus: #ffbf47; --border: #8a8a8a; --brand: #0b3d5c; --warning: #8a2b00; --surface: #f3f2f1; }
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; font-size: 100%; line-height: 1.5; color: var(--text); background: #fff; }
body { margin: 0; }
a { color: var(--link); }
a:visited { color: var(--link-visited); }
a:focus, button:focus, input:focus, select:focus, textarea:focus, main:focus-visible { outline: 3px solid var(--focus); outline-offset: 0; }
.skip-link { position: absolute; left: -9999px; top: 0; padding: .5rem 1rem; background: var(--focus); color: var(--text); }
.skip-link:focus { left: 0; z-index: 10; }
.site-header { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: 1rem; padding: .75rem 1.5rem; background: var(--brand); color: #fff; }
.site-header a { color: #fff; }
.site-header__name { font-weight: 700; font-size: 1.2rem; text-decoration: none; margin-right: 1rem; }
.site-header__user { display: flex; align-items: center; gap: .75rem; }
.site-nav { border-bottom: 1px solid var(--border); padding: 0 1.5rem; }
.site-nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 1.5rem; }
.site-nav a { display: inline-block; padding: .75rem 0; text-decoration: none; font-weight: 600; }
.site-nav .count { display: inline-block; margin-left: .35rem; padding: 0 .45rem; border-radius: 1rem; background: var(--brand); color: #fff; font-size: .85em; }
.site-nav a[aria-current="page"] { border-bottom: 4px solid var(--link); }
main { display: block; max-width: 72rem; padding: 1.5rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 1rem; }
h2 { font-size: 1.4rem; margin: 2rem 0 .75rem; }
.lead { font-size: 1.15rem; }
.banner { margin: 0; padding: .5rem 1.5rem; }
.banner--development { background: #fff4d6; border-bottom: 1px solid #c9a13a; }
.notice { padding: .75rem 1rem; border-left: 5px solid var(--link); background: var(--surface); }
.button { display: inline-block; padding: .5rem 1rem; border: 2px solid transparent; border-radius: 0; background: #00703c; color: #fff; font: inherit; font-weight: 600; text-decoration: none; cursor: pointer; }
a.button:visited { color: #fff; }
.button--secondary { background: #fff; color: var(--brand); border-color: #fff; }
.inline-form { display: inline; margin: 0; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
caption { text-align: left; font-weight: 700; padding-bottom: .5rem; }
th, td { text-align: left; vertical-align: top; padding: .5rem .75rem .5rem 0; border-bottom: 1px solid var(--border); }
.tag { display: inline-block; margin-left: .5rem; padding: 0 .4rem; font-size: .9rem; }
.tag--warning { color: #fff; background: var(--warning); }
.tag--denied { color: #fff; background: var(--warning); margin-left: 0; }
.tag--granted { color: #fff; background: #00703c; margin-left: 0; }
.muted, .hint, .latin { color: var(--muted); }
.caption { display: block; color: var(--muted); font-size: 1.1rem; }
ul.plain { list-style: none; margin: 0; padding: 0; }
.search-form { margin-bottom: 2rem; }
.field { margin-bottom: 1rem; display: flex; flex-direction: column; gap: .25rem; }
.field-row { display: flex; flex-wrap: wrap; gap: 0 1.5rem; }
label { font-weight: 600; }
input, select, textarea { font: inherit; padding: .35rem; border: 2px solid var(--text); border-radius: 0; max-width: 100%; }
textarea { width: 24rem; }
fieldset { border: 0; padding: 0; margin: 0 0 1rem; }
legend { font-weight: 700; font-size: 1.1rem; padding: 0; margin-bottom: .5rem; }
fieldset.row { border-left: 4px solid var(--border); padding: .5rem 0 .5rem 1rem; margin-bottom: 1.5rem; }
.button--warning { background: var(--warning); }
h4 { margin: 1rem 0 .5rem; }
.button--quiet { background: var(--surface); color: var(--text); border-color: var(--border); font-weight: 400; }
.radio, .checkbox { display: flex; align-items: center; gap: .5rem; margin-bottom: .35rem; }
.radio input, .checkbox input { width: 1.25rem; height: 1.25rem; }
.radio label, .checkbox label { font-weight: 400; }
.hit { border: 1px solid var(--border); padding: 1rem 1.25rem; margin-bottom: 1.5rem; }
.hit h3 { margin-top: 0; }
.hit--identical { border: 3px solid var(--warning); }
.warning-panel { border-left: 6px solid var(--warning); padding: .75rem 1rem; background: #fbeee9; }
.disposition-form { border-top: 1px solid var(--border); padding-top: 1rem; }
table.side-by-side { table-layout: fixed; }
table.side-by-side th[scope="row"] { width: 11rem; }
table.side-by-side td { overflow-wrap: anywhere; }
table.counts { width: auto; }
table.counts td { text-align: right; }
td.explanation { font-size: .9rem; max-width: 32rem; }
pre.evidence, pre.example { white-space: pre-wrap; overflow-wrap: anywhere; font-size: .85rem; background: var(--surface); padding: .75rem; }
details { margin-bottom: 1.5rem; }
summary { cursor: pointer; color: var(--link); }
input.wide { width: 36rem; }
input.narrow { width: 5rem; }
.field--error { border-left: 5px solid #b10e1e; padding-left: .75rem; }
.field--error input { border-color: #b10e1e; }
.field-error { color: #b10e1e; font-weight: 700; }
.error-summary { border: 5px solid #b10e1e; padding: 1rem 1.25rem; margin-bottom: 1.5rem; }
.error-summary h2 { margin-top: 0; }
.error-summary a { color: #b10e1e; font-weight: 700; }
dl.summary { display: grid; grid-template-columns: minmax(10rem, max-content) 1fr; gap: .5rem 1.5rem; margin: 0 0 1.5rem; }
dl.summary dt { font-weight: 700; }
dl.summary dd { margin: 0; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); border: 0; white-space: nowrap; }
.sub-nav ul { list-style: none; margin: 0 0 1.5rem; padding: 0; display: flex; flex-wrap: wrap; gap: 1.5rem; }
.sub-nav a[aria-current="page"] { font-weight: 700; text-decoration: none; border-bottom: 3px solid var(--link); }
.peer { border-top: 2px solid var(--border); margin-top: 2rem; }
.action-form { border-top: 1px solid var(--border); padding-top: .5rem; margin-bottom: 1.5rem; }
.message-text { white-space: pre-wrap; overflow-wrap: anywhere; }
@media print {
  .skip-link, .site-nav, .site-header__user, .banner, form { display: none; }
  .hit { page-break-inside: avoid; }
  .site-header { background: none; color: #000; border-bottom: 2px solid #000; }
  .site-header a { color: #000; }
  main { max-width: none; padding: 0; }
  a[href^="/"]::after { content: " (" attr(href) ")"; font-size: .85em; }
  table { page-break-inside: auto; }
  tr { page-break-inside: avoid; }
}
`

export const STYLESHEET_PATH = `/app/assets/app.${createHash('sha256').update(STYLESHEET).digest('hex').slice(0, 12)}.css`
