// oidc-provider ships its in-memory adapter without types of its own
declare module 'oidc-provider/lib/adapters/memory_adapter.js' {
  import type { Adapter } from 'oidc-provider'
  export function createMemoryAdapter (clockTolerance: number): (model: string) => Adapter
}
