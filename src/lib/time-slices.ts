import { setImmediate } from 'node:timers/promises'

/**
 * For a long synchronous loop (scoring candidates, preparing a page of entries): returns a
 * function to await once per step, which yields to the event loop whenever `sliceMs` of work
 * has passed since the last yield, so that requests waiting meanwhile (a health probe, a
 * partner's feed page) are answered between slices instead of after the whole loop.
 */
export function timeSlices (sliceMs: number): () => Promise<void> | undefined {
  let start = performance.now()
  return () => {
    if (performance.now() - start <= sliceMs) return undefined
    return setImmediate().then(() => { start = performance.now() })
  }
}
