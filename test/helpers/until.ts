/** Polls `check` until it holds; tap's timeout ends a wait that never does. */
export async function until (check: () => boolean | Promise<boolean>): Promise<void> {
  while (!await check()) await new Promise((resolve) => setTimeout(resolve, 50))
}
