import neostandard from 'neostandard'

const forbid = (...more) => ({
  'no-restricted-imports': ['error', { patterns: ['fastify', '@fastify/*', '**/http/**', '**/app.js', ...more] }]
})
const above = ['**/sync/**', '**/consultation/**', '**/divergence/**', '**/feed/**', '**/peers/**', '**/records/**']

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'node_modules/**', '.tap/**', '.data/**'] }),
  { files: ['src/{sync,consultation,divergence,peers,records}/**'], rules: forbid('jose') },
  { files: ['src/feed/**'], rules: forbid('jose', '**/sync/**', '**/consultation/**', '**/divergence/**', '**/records/**') },
  { files: ['src/signing/**'], rules: forbid(...above, '**/audit/**', '**/matching/**') },
  { files: ['src/{matching,audit,db,lib}/**', 'src/config.ts'], rules: forbid('jose', ...above) },
  { files: ['src/http/**', 'src/cli/**', 'src/{app,server,worker}.ts'], rules: { 'no-restricted-imports': ['error', { patterns: ['jose'] }] } }
]
