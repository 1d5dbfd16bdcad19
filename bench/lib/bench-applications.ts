import { shuffledSampleDecisions } from './sample-decisions.js'

/** One typo in the longest word of `name`: two letters swapped, as an officer types. */
export function misspell (name: string, n: number): string {
  const words = name.split(' ')
  const at = words.reduce((best, w, i) => (w.length > (words[best]?.length ?? 0) ? i : best), 0)
  const word = words[at] ?? ''
  if (word.length < 4) return name
  const i = 1 + (n % (word.length - 2))
  words[at] = word.slice(0, i) + (word[i + 1] ?? '') + (word[i] ?? '') + word.slice(i + 2)
  return words.join(' ')
}

/** `count` applications of three parties (listed names of stored decisions, misspelt) and three coded items. */
export function applications (count: number) {
  const decisions = [...shuffledSampleDecisions(count * 3, 'stored', 1)]
  return Array.from({ length: count }, (_, n) => {
    const three = decisions.slice(n * 3, n * 3 + 3)
    return {
      parties: three.map((d, i) => {
        const party = d.parties[0] as { name: string, country: string }
        return { role: 'end_user' as const, name: misspell(party.name, n + i), aliases: [], country: party.country, identifiers: [] }
      }),
      items: three.map((d) => ({ codes: d.items[0]?.codes ?? [], description: d.items[0]?.description ?? 'item' })),
      destination: three[0]?.destination ?? 'AE',
      endUse: ''
    }
  })
}
