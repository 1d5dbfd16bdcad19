import { errors } from './errors.js'

/**
 * Who is importing now, in this process: at most `concurrency` callers, each with one import
 * (docs/records.md, "Import"). One instance lives as long as the app and is shared by every
 * face that imports (the JSON API's `POST /v1/decisions/import` and the officers' import page),
 * so an officer's upload in the browser and one through the API count alike.
 */
export interface ImportSlots {
  /**
   * Takes a slot for `caller` (`importCaller`), or throws IMPORT_IN_PROGRESS (429) when that
   * caller's import is running, IMPORTS_BUSY (503) when every slot is taken; both carry
   * Retry-After. Returns the release, which may be called more than once.
   */
  claim: (caller: string) => () => void
}

export function createImportSlots (concurrency: number): ImportSlots {
  const importing = new Set<string>()
  return {
    claim (caller) {
      if (importing.has(caller)) throw errors.importInProgress()
      if (importing.size >= concurrency) throw errors.importsBusy(importing.size)
      importing.add(caller)
      let held = true
      return () => {
        if (held) importing.delete(caller)
        held = false
      }
    }
  }
}

/** The caller an import slot is held for: a signed-in or bearer user by subject, anyone else by address. */
export function importCaller (subject: string | undefined, ip: string): string {
  return subject !== undefined ? `user:${subject}` : `ip:${ip}`
}
