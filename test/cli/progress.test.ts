import t from 'tap'
import { createProgress, formatDuration } from '../../src/cli/progress.js'

function fakeStream (isTTY: boolean) {
  const writes: string[] = []
  return { writes, stream: { isTTY, write: (chunk: string) => { writes.push(chunk); return true } } as unknown as NodeJS.WriteStream }
}

t.test('on a terminal: one line redrawn in place with bar, count, rate and ETA', async (t) => {
  let now = 0
  const { writes, stream } = fakeStream(true)
  const progress = createProgress({ label: 'sync alpha', total: 1000, stream, now: () => now })
  now = 2000
  progress.update(250)
  now = 4000
  progress.update(500)
  progress.finish()
  t.ok(writes.slice(0, 2).every((w) => w.startsWith('\r\x1b[2K')), 'each draw returns to the start of the line')
  t.match(writes[0], /sync alpha {2}\[######\.+\] 25% {2}250\/1000 entries {2}125\/s {2}ETA 6\.0s/)
  t.match(writes[1], /50% {2}500\/1000 entries/)
  t.equal(writes.at(-1), '\n', 'the line ends when done')
})

t.test('elsewhere: plain lines, at most one per interval, and one at the end', async (t) => {
  let now = 0
  const { writes, stream } = fakeStream(false)
  const progress = createProgress({ label: 'load', stream, intervalSeconds: 5, now: () => now, unit: 'decisions' })
  for (let i = 1; i <= 10; i++) {
    now = i * 1000
    progress.update(i * 100, 2000)
  }
  progress.finish('done')
  t.equal(writes.filter((w) => w.includes('load')).length, 3, 'first update, after 5 s, and the end')
  t.notMatch(writes.join(''), /\r/)
  t.match(writes.at(-2), /load {2}\[#+\.+\] 50% {2}1000\/2000 decisions {2}100\/s {2}ETA 10s/)
  t.equal(writes.at(-1), 'done\n')
})

t.test('durations read as a person would say them', async (t) => {
  t.equal(formatDuration(4.25), '4.3s')
  t.equal(formatDuration(75), '1m15s')
  t.equal(formatDuration(3 * 3600 + 120), '3h02m')
})
