/** Time is passed in, never read from a global, so tests can freeze it (as jose's `currentDate`). */
export interface Clock {
  now (): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock that stays where it is set; for tests and replays. */
export function fixedClock (start: Date): Clock & { set (date: Date): void, advance (ms: number): void } {
  let current = start
  return {
    now: () => current,
    set: (date) => { current = date },
    advance: (ms) => { current = new Date(current.getTime() + ms) }
  }
}
