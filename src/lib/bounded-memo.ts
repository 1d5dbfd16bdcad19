import { LRUCache } from 'lru-cache'

/**
 * `make`, remembered for the last `max` keys it was asked for: the least recently used key is
 * forgotten first. For pure, costly derivations asked again and again with the same input (a
 * name's search keys, a key set's imported keys, two words' similarity). `lru-cache`, not a
 * `Map` whose first key is deleted when full: V8 leaves a deleted entry's slot behind until it
 * rehashes, so finding the first live key scans them (1,000,000 insertions into a full
 * 200,000-entry `Map` took 57 s, into this 1.2 s).
 */
export function boundedMemo<K extends NonNullable<unknown>, V extends NonNullable<unknown>> (make: (key: K) => V, max: number): (key: K) => V {
  return boundedMemoBy((key: K) => key, make, max)
}

/** `boundedMemo` for inputs that are not their own key: remembered under `keyOf(input)`. */
export function boundedMemoBy<I, K extends NonNullable<unknown>, V extends NonNullable<unknown>> (keyOf: (input: I) => K, make: (input: I) => V, max: number): (input: I) => V {
  const remembered = new LRUCache<K, V>({ max })
  return (input) => {
    const key = keyOf(input)
    let value = remembered.get(key)
    if (value === undefined) {
      value = make(input)
      remembered.set(key, value)
    }
    return value
  }
}
