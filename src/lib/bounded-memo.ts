/**
 * `make`, remembered for the last `max` keys it was asked for: the oldest key is forgotten
 * first (insertion order). For pure, costly derivations asked again and again with the same
 * input (a name's search keys, a key set's imported keys).
 */
export function boundedMemo<K, V> (make: (key: K) => V, max: number): (key: K) => V {
  const remembered = new Map<K, V>()
  return (key) => {
    let value = remembered.get(key)
    if (value === undefined) {
      value = make(key)
      if (remembered.size >= max) remembered.delete(remembered.keys().next().value as K)
      remembered.set(key, value)
    }
    return value
  }
}
