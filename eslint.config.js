import neostandard from 'neostandard'

const forbid = (...more) => ({
  'no-restricted-imports': ['error', { patterns: ['fastify', '@fastify/*', '**/http/**', '**/app.js', ...more] }]
})
const above = ['**/sync/**', '**/consultation/**', '**/divergence/**', '**/feed/**', '**/peers/**', '**/records/**']

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
  { files: ['src/{sync,consultation,divergence,peers,records}/**'], rules: forbid('jose') },
  { files: ['src/feed/**'], rules: forbid('jose', '**/sync/**', '**/consultation/**', '**/divergence/**', '**/records/**') },
  { files: ['src/signing/**'], rules: forbid(...above, '**/audit/**', '**/matching/**') },
  { files: ['src/{matching,audit,db,lib}/**', 'src/config.ts'], rules: forbid('jose', ...above) },
  { files: ['src/http/**', 'src/cli/**', 'src/demo/**', 'src/{app,server,worker,wiring}.ts'], rules: { 'no-restricted-imports': ['error', { patterns: ['jose'] }] } }
]
