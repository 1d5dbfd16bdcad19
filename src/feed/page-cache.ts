/**
 * Serialised feed pages that can never change: every entry of the page exists (the page is
 * full) and none is restricted to an audience, so every peer gets the same text. Least
 * recently used pages are dropped first once `maxBytes` is reached; 0 disables the cache.
 */
export interface PageCache {
  get (key: string): string | undefined
  set (key: string, text: string): void
}

export function createPageCache (maxBytes: number): PageCache {
  const pages = new Map<string, string>()
  let bytes = 0
  return {
    get (key) {
      const text = pages.get(key)
      if (text !== undefined) {
        pages.delete(key)
        pages.set(key, text)
      }
      return text
    },
    set (key, text) {
      if (text.length > maxBytes || pages.has(key)) return
      pages.set(key, text)
      bytes += text.length
      for (const [oldest, old] of pages) {
        if (bytes <= maxBytes) break
        pages.delete(oldest)
        bytes -= old.length
      }
    }
  }
}
