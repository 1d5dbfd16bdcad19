import neostandard from 'neostandard'

/**
 * The layers of src/ (docs/architecture.md §1), top to bottom: a file may import only from its
 * own layer and the layers below it, and another folder only through its index.ts (lib/, db/
 * and http/ are toolboxes read file by file). The one list; every rule below is generated from
 * it, and test/lint/layers.test.ts checks each layer with a wrong-way import and that the list
 * names every folder and top-level file of src/ (a name that matches nothing restricts nothing).
 */
export const LAYERS = [
  { name: 'entries', files: ['server', 'worker', 'wiring', 'app'], folders: ['cli', 'demo'] },
  { name: 'faces', folders: ['http', 'web'] },
  { name: 'metrics', folders: ['metrics'] },
  { name: 'jobs', folders: ['jobs'] },
  { name: 'use cases', folders: ['use-cases'] },
  { name: 'reports', folders: ['reports'] },
  { name: 'alerts', folders: ['alerts'] },
  { name: 'sync', folders: ['sync'] },
  { name: 'consultations', folders: ['consultations'] },
  { name: 'screening', folders: ['screening'] },
  { name: 'divergence', folders: ['divergence'] },
  { name: 'records', folders: ['records'] },
  { name: 'feed', folders: ['feed'] },
  { name: 'peers', folders: ['peers'] },
  { name: 'matching', folders: ['matching'] },
  { name: 'outbox', folders: ['outbox'] },
  { name: 'audit', folders: ['audit'] },
  { name: 'signing', folders: ['signing'] },
  { name: 'db', folders: ['db'] },
  { name: 'config', files: ['config'] },
  { name: 'lib', folders: ['lib'] }
]
/** Folders whose modules are imported one by one rather than through an index.ts. */
export const OPEN_FOLDERS = new Set(['lib', 'db', 'http'])
/** The only users of these packages (and of their scoped and dashed relatives: @fastify/*, fastify-plugin, prom-client-…). */
export const ONLY = { fastify: ['faces', 'entries'], jose: ['signing'], 'prom-client': ['metrics'] }

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
// import strings are relative: a folder anywhere in the path; a top-level file by ../ from a
// folder, by ./ from another top-level file
const folderRegex = (folder) => `(^|/)${escape(folder)}/`
const fileRegex = (file, fromFolder) => `^${fromFolder ? '(\\.\\./)+' : '\\./'}${escape(file)}\\.js$`
const downward = (l, layer) => `is the ${l.name} layer, above ${layer.name}: imports point down (docs/architecture.md §1)`

/** The restricted imports of the files `files` of `layer` (LAYERS[index]), which sit in folder `own` if any. */
function rulesFor (index, files, own) {
  const layer = LAYERS[index]
  const patterns = [
    ...LAYERS.slice(0, index).flatMap((l) => [
      ...(l.folders ?? []).map((f) => ({ regex: folderRegex(f), message: `${f}/ ${downward(l, layer)}` })),
      ...(l.files ?? []).map((f) => ({ regex: fileRegex(f, own !== undefined), message: `${f}.ts ${downward(l, layer)}` }))
    ]),
    ...LAYERS.flatMap((l) => l.folders ?? []).filter((f) => !OPEN_FOLDERS.has(f) && f !== own).map((f) => ({
      regex: `(^|/)${escape(f)}/(?!index\\.js$)[^/]+$`, message: `import ${f}/ through its index.ts, the folder's public surface`
    })),
    ...Object.entries(ONLY).filter(([, users]) => !users.includes(layer.name)).map(([pkg, users]) => ({
      regex: `^(@${escape(pkg)}/|${escape(pkg)}($|[/-]))`, message: `${pkg} is used by ${users.join(' and ')} only`
    }))
  ]
  return { files, rules: { 'no-restricted-imports': ['error', { patterns }] } }
}

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'node_modules/**', '.tap/**', '.data/**', '.scratch/**'] }),
  {
    rules: {
      // STYLE C5: a TypeBox schema constant and its static type share one name on purpose
      '@typescript-eslint/no-redeclare': 'off',
      // `void promise` marks a deliberately unawaited promise in a callback
      'no-void': ['error', { allowAsStatement: true }]
    }
  },
  // one block per folder (a folder's files import each other freely, a sibling folder of the
  // same layer through its index.ts) and one per layer's top-level files
  ...LAYERS.flatMap((layer, i) => [
    ...(layer.folders ?? []).map((f) => rulesFor(i, [`src/${f}/**`], f)),
    ...(layer.files ? [rulesFor(i, layer.files.map((f) => `src/${f}.ts`))] : [])
  ])
]
