import t from 'tap'
import { canonicalize } from '../../src/lib/canonical-json.js'

// RFC 8785 §3.2.2.3 and Appendix B: IEEE 754 doubles and their canonical text, written as the
// RFC writes them (some literals are not exact doubles: that is the point of the vectors).
/* eslint-disable @typescript-eslint/no-loss-of-precision */
const numbers: Array<[number, string]> = [
  [0, '0'], [-0, '0'], [Number.MIN_VALUE, '5e-324'], [-Number.MIN_VALUE, '-5e-324'],
  [1.7976931348623157e308, '1.7976931348623157e+308'], [-1.7976931348623157e308, '-1.7976931348623157e+308'],
  [9007199254740992, '9007199254740992'], [-9007199254740992, '-9007199254740992'],
  [295147905179352830000, '295147905179352830000'], [9.999999999999997e22, '9.999999999999997e+22'],
  [1e23, '1e+23'], [1.0000000000000001e23, '1.0000000000000001e+23'],
  [999999999999999700000, '999999999999999700000'], [999999999999999900000, '999999999999999900000'],
  [1e21, '1e+21'], [9.999999999999997e-7, '9.999999999999997e-7'], [0.000001, '0.000001'],
  [333333333.3333332, '333333333.3333332'], [333333333.33333325, '333333333.33333325'],
  [333333333.3333333, '333333333.3333333'], [333333333.3333334, '333333333.3333334'],
  [333333333.33333343, '333333333.33333343'], [-0.0000033333333333333333, '-0.0000033333333333333333'],
  [1424953923781206.2, '1424953923781206.2']
]

t.test('numbers serialise as RFC 8785 Appendix B says', async (t) => {
  for (const [value, text] of numbers) t.equal(canonicalize(value), text, text)
})

t.test('the RFC 8785 §3.2.2 sample: literals, numbers, string escapes', async (t) => {
  const input = JSON.parse('{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}')
  t.equal(canonicalize(input), '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}')
})

t.test('the RFC 8785 §3.2.3 sorting example: keys by UTF-16 code units', async (t) => {
  const input = JSON.parse('{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control", "\\u00f6": "Latin Small Letter O With Diaeresis"}')
  t.equal(canonicalize(input), '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}')
})

t.test('nested objects are sorted at every level; whitespace is dropped', async (t) => {
  t.equal(canonicalize({ b: [{ z: 1, a: 2 }], a: { d: true, c: null } }), '{"a":{"c":null,"d":true},"b":[{"a":2,"z":1}]}')
  t.equal(canonicalize({ a: undefined, b: 1 }), '{"b":1}', 'undefined members are absent, as in JSON')
})

t.test('values JSON cannot represent are refused, not dropped', async (t) => {
  t.throws(() => canonicalize(Number.NaN), /no JSON representation/)
  t.throws(() => canonicalize(Number.POSITIVE_INFINITY), /no JSON representation/)
  t.throws(() => canonicalize(10n), /bigint has no JSON representation/)
})
