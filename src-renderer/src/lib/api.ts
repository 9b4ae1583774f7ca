// The renderer's one client for the studio API. It talks to Electron's preload bridge when there is
// one (`window.api`), and otherwise to serve mode over HTTP + WebSocket. Every call resolves to a
// Result: transport failures become `{ok:false}` too, so callers have one error path to show.
// Types only from the contract: the renderer never needs the zod schemas at run time.
import type { ApiError, EventName, EventPayload, ImageVariant, Input, MethodName, Output, Result } from '@shared/contract'
import type { WindowApi } from '@shared/window-api'

/** How one call is made. */
export interface CallOptions {
  /**
   * Serve mode: stop waiting after this many ms and answer as unanswered, so that the call is resent.
   * Only for calls safe to send twice (decisions carry an idempotency key): a request on a connection
   * that died without closing (Wi-Fi gone mid-request) would otherwise wait for minutes on the OS.
   * Electron's IPC does not cross a network and ignores it.
   */
  timeoutMs?: number
}

export interface ApiClient {
  call<M extends MethodName>(method: M, input: Input<M>, options?: CallOptions): Promise<Result<Output<M>>>
  /** Subscribes to one server event; returns the unsubscribe function. */
  onEvent<E extends EventName>(name: E, handler: (payload: EventPayload<E>) => void): () => void
  imageUrl(imageId: number, variant: ImageVariant): string
  /** Human-readable transport name, shown in the status bar. */
  readonly transport: 'electron' | 'serve'
}

type Listener = (payload: unknown) => void

/** Fan-out of server events to per-name subscribers; shared by both transports. */
class EventHub {
  private readonly listeners = new Map<string, Set<Listener>>()

  add(name: string, listener: Listener): () => void {
    let set = this.listeners.get(name)
    if (!set) this.listeners.set(name, (set = new Set()))
    set.add(listener)
    return () => set.delete(listener)
  }

  emit(name: string, payload: unknown): void {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        listener(payload)
      } catch (err) {
        // One broken subscriber must not stop the others from hearing the event.
        console.error(`event handler for ${name} failed`, err)
      }
    }
  }
}

export function transportError(message: string): Result<never> {
  return { ok: false, error: { code: 'internal', message } }
}

/**
 * Errors where no answer came back (the network dropped, the server was down, a proxy answered with
 * something that is not ours). Only these are worth resending automatically: the request may or may
 * not have been committed, and the idempotency key makes a resend safe either way.
 */
const unanswered = new WeakSet<ApiError>()

export function unansweredError(message: string): Result<never> {
  const error: ApiError = { code: 'internal', message }
  unanswered.add(error)
  return { ok: false, error }
}

export function isUnanswered(error: ApiError): boolean {
  return unanswered.has(error)
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

export function createElectronClient(bridge: WindowApi): ApiClient {
  const hub = new EventHub()
  bridge.onEvent((event) => hub.emit(event.name, event.payload))
  return {
    transport: 'electron',
    async call(method, input) {
      try {
        return await bridge.invoke(method, input)
      } catch (err) {
        return transportError(`${method}: ${errorText(err)}`)
      }
    },
    onEvent: (name, handler) => hub.add(name, handler as Listener),
    imageUrl: (id, variant) => bridge.imageUrl(id, variant)
  }
}

/** What the serve-mode client needs from the browser; injectable so it can be tested under Node. */
export interface ServeEnvironment {
  origin: string
  fetch: typeof fetch
  openSocket?: (url: string) => WebSocket
}

/** The server answered the session handshake with a refusal (e.g. 401 after it restarted). */
class SessionRefused extends Error {
  /** The studio's own answer when it gave one (e.g. workspace_damaged), passed on as it is. */
  constructor(
    message: string,
    readonly answer: ApiError | null = null
  ) {
    super(message)
  }
}

/** The `{ok:false, error}` body of a refusal, when the studio sent one. */
async function refusalOf(res: Response): Promise<ApiError | null> {
  try {
    const body = (await res.json()) as { ok?: unknown; error?: ApiError }
    return body.ok === false && body.error && typeof body.error.message === 'string' ? body.error : null
  } catch {
    return null
  }
}

export const SESSION_PATH = '/api/session'
export const CSRF_HEADER = 'x-csrf-token'
const RECONNECT_MS = [500, 1000, 2000, 5000]

export function createServeClient(env: ServeEnvironment): ApiClient {
  const hub = new EventHub()
  let csrf: Promise<string> | null = null

  // The page was opened with ?token=…; the server answered with an HttpOnly cookie, and the session
  // endpoint hands out the CSRF token that every state-changing POST must echo in a header.
  const csrfToken = (): Promise<string> => {
    csrf ??= (async () => {
      const res = await env.fetch(new URL(SESSION_PATH, env.origin), { credentials: 'same-origin' })
      if (!res.ok) throw new SessionRefused(`session: HTTP ${res.status}${res.status === 401 ? ' (open the link with its ?token=… again)' : ''}`, res.status === 503 ? await refusalOf(res) : null)
      const body = (await res.json()) as { csrfToken?: unknown }
      if (typeof body.csrfToken !== 'string' || !body.csrfToken) throw new Error('session: the server sent no CSRF token')
      return body.csrfToken
    })()
    csrf.catch(() => (csrf = null)) // a failed handshake is retried by the next call
    return csrf
  }

  const post = async (method: string, input: unknown, token: string, signal?: AbortSignal): Promise<Response> =>
    env.fetch(new URL(`/api/${method}`, env.origin), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', [CSRF_HEADER]: token },
      body: JSON.stringify(input ?? {}),
      signal
    })

  const call = async (method: string, input: unknown, options: CallOptions = {}): Promise<Result<unknown>> => {
    // Covers the request and the reading of its answer; aborting also frees the browser's connection.
    const signal = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs)
    try {
      let res = await post(method, input, await csrfToken(), signal)
      if (res.status === 403 || res.status === 401) {
        // The CSRF token may have been rotated by a server restart: fetch it once more and retry.
        csrf = null
        res = await post(method, input, await csrfToken(), signal)
      }
      const text = await res.text()
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {
        return unansweredError(`${method}: HTTP ${res.status}: ${text.slice(0, 200) || 'empty response'}`)
      }
      if (body && typeof body === 'object' && 'ok' in body) return body as Result<unknown>
      return unansweredError(`${method}: HTTP ${res.status}: unexpected response`)
    } catch (err) {
      // A refused session is an answer (resending will not help); anything else never reached us.
      if (err instanceof SessionRefused) return err.answer ? { ok: false, error: err.answer } : transportError(`${method}: ${err.message}`)
      if (signal?.aborted) return unansweredError(`${method}: the studio did not answer within ${(options.timeoutMs ?? 0) / 1000} s`)
      return unansweredError(`${method}: ${errorText(err)}`)
    }
  }

  let socketStarted = false
  const startSocket = (): void => {
    if (socketStarted || !env.openSocket) return
    socketStarted = true
    const open = env.openSocket
    const url = new URL('/events', env.origin)
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    let attempt = 0
    const connect = (): void => {
      const socket = open(url.toString())
      socket.onopen = () => (attempt = 0)
      socket.onmessage = (msg) => {
        try {
          const data = JSON.parse(String(msg.data)) as { name?: unknown; payload?: unknown }
          if (typeof data.name === 'string') hub.emit(data.name, data.payload)
        } catch {
          console.warn('ignored a malformed event frame')
        }
      }
      // Keep listening across server restarts: back off, then reconnect.
      socket.onclose = () => setTimeout(connect, RECONNECT_MS[Math.min(attempt++, RECONNECT_MS.length - 1)])
    }
    connect()
  }

  return {
    transport: 'serve',
    call: call as ApiClient['call'],
    onEvent(name, handler) {
      startSocket()
      return hub.add(name, handler as Listener)
    },
    imageUrl: (id, variant) => `/img/${encodeURIComponent(String(id))}?variant=${variant}`
  }
}

/** Picks the transport for this page: the preload bridge inside Electron, HTTP in a browser. */
export function createClient(): ApiClient {
  if (window.api && typeof window.api.invoke === 'function') return createElectronClient(window.api)
  return createServeClient({
    origin: window.location.origin,
    fetch: window.fetch.bind(window),
    openSocket: (url) => new WebSocket(url)
  })
}
