/**
 * `make`, remembered for the last `max` keys it was asked for: the oldest key is forgotten
 * first (insertion order). For pure, costly derivations asked again and again with the same
 * input (a name's search keys, a key set's imported keys).
 */
export function boundedMemo<K, V> (make: (key: K) => V, max: number): (key: K) => V {
  return boundedMemoBy((key: K) => key, make, max)
}

/** `boundedMemo` for inputs that are not their own key: remembered under `keyOf(input)`. */
export function boundedMemoBy<I, K, V> (keyOf: (input: I) => K, make: (input: I) => V, max: number): (input: I) => V {
  const remembered = new Map<K, V>()
  return (input) => {
    const key = keyOf(input)
    let value = remembered.get(key)
    if (value === undefined) {
      value = make(input)
      if (remembered.size >= max) remembered.delete(remembered.keys().next().value as K)
      remembered.set(key, value)
    }
    return value
  }
}
