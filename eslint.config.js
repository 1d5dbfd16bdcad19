import neostandard from 'neostandard'

const forbid = (...more) => ({
  'no-restricted-imports': ['error', { patterns: ['fastify', '@fastify/*', '**/http/**', '**/app.js', ...more] }]
})
const above = ['**/jobs/**', '**/sync/**', '**/consultations/**', '**/divergence/**', '**/feed/**', '**/peers/**', '**/records/**']

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'node_modules/**', '.tap/**', '.data/**'] }),
  {
    rules: {
      // STYLE C5: a TypeBox schema constant and its static type share one name on purpose
      '@typescript-eslint/no-redeclare': 'off',
      // `void promise` marks a deliberately unawaited promise in a callback
      'no-void': ['error', { allowAsStatement: true }]
    }
  },
  // jobs: the background loops, started by the entry points; above every capability
  { files: ['src/jobs/**'], rules: forbid('jose') },
  { files: ['src/{sync,consultations,divergence,peers,records}/**'], rules: forbid('jose', '**/jobs/**') },
  { files: ['src/feed/**'], rules: forbid('jose', '**/jobs/**', '**/sync/**', '**/consultations/**', '**/divergence/**', '**/records/**') },
  { files: ['src/signing/**'], rules: forbid(...above, '**/audit/**', '**/matching/**') },
  { files: ['src/{matching,audit,db,lib}/**'], rules: forbid('jose', ...above) },
  // config.ts parses CONSULTATION_DEADLINES with consultations/deadlines.ts, the one import upward it makes
  { files: ['src/config.ts'], rules: forbid('jose', ...above.filter((p) => p !== '**/consultations/**')) },
  { files: ['src/http/**', 'src/cli/**', 'src/demo/**', 'src/{app,server,worker,wiring}.ts'], rules: { 'no-restricted-imports': ['error', { patterns: ['jose'] }] } }
]
