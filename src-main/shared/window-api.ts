// What the preload exposes as `window.api` in the desktop app. Runtime-neutral: types plus the two
// IPC channel names the preload and the main process must agree on. In serve mode there is no
// `window.api`; the renderer's client talks HTTP/WebSocket instead (see core/serve/server.ts).
import type { EventName, EventPayload, ImageVariant, Input, MethodName, Output, Result } from './contract'

export const IPC_INVOKE_CHANNEL = 'api:invoke'
export const IPC_EVENT_CHANNEL = 'api:event'

/** A pushed event, as one discriminated value so `switch (e.name)` narrows `e.payload`. */
export type ApiEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName]

export interface WindowApi {
  /** Calls one contract method; never rejects for API errors (they come back as `{ok: false}`). */
  invoke<M extends MethodName>(method: M, input: Input<M>): Promise<Result<Output<M>>>
  /** Subscribes to pushed events; returns the unsubscribe function. */
  onEvent(listener: (event: ApiEvent) => void): () => void
  /** The URL of an image by id (`app-img://img/<id>` or `app-img://thumb/<id>`). */
  imageUrl(id: number, variant: ImageVariant): string
}

/** The desktop image URL for an image id; the only place that spells the app-img scheme's layout. */
export function desktopImageUrl(id: number, variant: ImageVariant): string {
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`image id must be a positive integer, got ${String(id)}`)
  return `app-img://${variant === 'thumb' ? 'thumb' : 'img'}/${id}`
}

declare global {
  interface Window {
    /** Present in the desktop app (preload); absent in serve mode. */
    api?: WindowApi
  }
}
