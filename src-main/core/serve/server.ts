/**
 * Serve mode: the studio's UI and typed API over HTTP + WebSocket, for a browser (remote annotators,
 * or machines without the Electron binary). Bound to 127.0.0.1 unless the caller opts in to more.
 *
 * Endpoints for the browser client:
 *   GET  /?token=T                 exchange an access token for a session: sets an HttpOnly,
 *                                  SameSite=Strict cookie and answers 303 -> `/` (token leaves the URL).
 *   GET  /invite/<code>            redeem a one-time invite: the code is spent and a session with the
 *                                  annotator's own annotate-scope token starts (cookie + 303 -> `/`).
 *                                  A reused, revoked, expired or unknown code -> 401 (a readable
 *                                  page for a browser, see refusal-page.ts).
 *   GET  / , /assets/...           the built renderer (CSP, nosniff, X-Frame-Options DENY).
 *   GET  /api/session              -> 200 {csrfToken, annotator: {id,name,kind}, scope: 'owner'|'annotate'}
 *   POST /api/<method>             body: the method's JSON input (Content-Type: application/json,
 *                                  at most 1 MB); header `x-csrf-token: <csrfToken>`.
 *                                  -> the contract's Result JSON `{ok:true,value}` | `{ok:false,error}`;
 *                                  the HTTP status mirrors the error code (400/401/403/404/409/500).
 *   GET  /img/<id>?variant=thumb|full   image bytes by database id (never by path).
 *   GET  /events  (WebSocket)      server -> client text frames `{"name": EventName, "payload": ...}`;
 *                                  the client sends nothing (frames over 4 KB close the socket).
 * Scripts may send `Authorization: Bearer T` on any request instead of the cookie (then no CSRF
 * header is needed: a bearer token is never sent by a browser on its own).
 *
 * Refusals: no or unknown/revoked token -> 401; Host not ours -> 403 (DNS rebinding); POST or WS
 * upgrade whose Origin is not ours -> 403; POST without the session's CSRF token -> 403; body over
 * 1 MB -> 413; too many calls -> 429. No CORS headers are ever sent.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { networkInterfaces } from 'node:os'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import type { ApiError, EventName, EventPayload, Result, Scope } from '@shared/contract'
import { ApiFailure, dispatch, type DispatchOptions, type Handlers } from '../api/dispatch'
import { resolveInside } from '../fs/safe-path'
import { RENDERER_CONTENT_TYPES, RENDERER_EXTENSIONS, contentTypeFor } from './content-types'
import { pageSecurityHeaders } from './csp'
import { allowedNames, bearerToken, hostPort, isAllowedHost, isAllowedOrigin, isLoopbackHost, isWildcardHost, parsePublicOrigin, readCookie } from './guards'
import { locateImage, parseImageId, parseImageVariant, type ImageFileLookup } from './image-files'
import { REFUSALS, refusalPage, wantsPage, type Refusal } from './refusal-page'
import { RateLimiter, SessionStore, secretsEqual, type Principal, type ServeSession, type VerifyToken } from './sessions'

export const MAX_BODY_BYTES = 1024 * 1024
export const MAX_WS_MESSAGE_BYTES = 4 * 1024
const WS_HEARTBEAT_MS = 30_000

/** Why an invite code did not open a session (shown to the person holding the link). */
export type InviteFailure = 'unknown' | 'redeemed' | 'revoked' | 'expired'
/** Spends a one-time invite code; on success returns the access token the new session runs on. */
/** Whether `who` may fetch image `id` (an annotator only from the projects they were invited to). */
export type ImageAllowed = (who: Principal, id: number) => boolean

export type RedeemInvite = (code: string) => (Principal & { token: string }) | { failure: InviteFailure } | Promise<(Principal & { token: string }) | { failure: InviteFailure }>

const INVITE_REFUSALS: Record<InviteFailure, string> = {
  unknown: 'this invite link is not valid',
  redeemed: 'this invite link has already been used; ask the project owner for a new one',
  revoked: 'this invite link was revoked',
  expired: 'this invite link has expired; ask the project owner for a new one'
}

/** The same refusals as pages a person reads. */
function inviteRefusal(failure: InviteFailure): Refusal {
  const message = INVITE_REFUSALS[failure]
  return {
    title: 'This invite link does not work',
    message: message[0].toUpperCase() + message.slice(1) + '.',
    next: "Invite links work once and for a limited time. If you already joined from this browser, open the studio's address without the invite part."
  }
}

/** Who may receive each pushed event. A Record over EventName, so a new event must pick a scope. */
const EVENT_SCOPE: Record<EventName, Scope> = {
  'job.progress': 'owner'
}

export interface ServeOptions {
  handlers: Handlers
  imageFile: ImageFileLookup
  /** Checked before any image is served; absent: every authenticated caller may fetch every image. */
  imageAllowed?: ImageAllowed
  verifyToken: VerifyToken
  /** One-time invites for annotators (`GET /invite/<code>`); without it that path is 404. */
  redeemInvite?: RedeemInvite
  /** The built renderer (out/renderer). */
  rendererDir: string
  /** Where sessions are kept across restarts (in the workspace); absent: in memory only. */
  sessionsFile?: string
  /** Address to bind; anything but loopback is an explicit opt-in and prints a warning. */
  host?: string
  port?: number
  /** The origin browsers use when a TLS reverse proxy sits in front, e.g. https://studio.example.org */
  publicOrigin?: string
  /** Calls per session: burst size and refill per second (POST /api only). */
  rateLimit?: { burst: number; perSecond: number }
  log?: (line: string) => void
  /** Passed to dispatch(); serve mode leaves it off, tests switch `checkOutputs` on. */
  dispatch?: DispatchOptions
}

export interface ServeHandle {
  /** The address to print, without a token, e.g. http://127.0.0.1:41234 */
  url: string
  port: number
  /** The address actually bound (tests check that it is 127.0.0.1 by default). */
  address: string
  broadcast<E extends EventName>(event: E, payload: EventPayload<E>): void
  close(): Promise<void>
}

const STATUS_FOR: Record<ApiError['code'], number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  internal: 500,
  // The server works; the workspace it serves does not (until restored).
  workspace_damaged: 503
}

export async function startServeMode(opts: ServeOptions): Promise<ServeHandle> {
  const bindHost = opts.host ?? '127.0.0.1'
  const log = opts.log ?? ((line: string) => console.warn(line))
  if (opts.publicOrigin) parsePublicOrigin(opts.publicOrigin) // fail before binding
  if (!isLoopbackHost(bindHost)) {
    log(`WARNING: serving on ${bindHost}, reachable from other machines over plain HTTP. Prefer an SSH tunnel or a TLS reverse proxy (set its public origin).`)
  }

  const sessions = new SessionStore(undefined, undefined, undefined, opts.sessionsFile ? { path: opts.sessionsFile, log } : null)
  const limiter = new RateLimiter(opts.rateLimit?.burst ?? 200, opts.rateLimit?.perSecond ?? 50)
  const sockets = new Map<WebSocket, ServeSession>()
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES })
  let names = allowedNames({ port: 0, bindHost })
  let cookieName = 'popalign_sid'
  let secureCookie = false

  /** The principal for a request: bearer token first, else the session cookie; re-verified every time. */
  async function authenticate(req: IncomingMessage): Promise<{ who: Principal; session: ServeSession | null } | null> {
    const bearer = bearerToken(req.headers.authorization)
    if (bearer) {
      const who = await opts.verifyToken(bearer)
      return who ? { who, session: null } : null
    }
    const session = sessions.get(readCookie(req.headers.cookie, cookieName))
    if (!session) return null
    const who = await opts.verifyToken(session.token)
    if (!who || who.annotatorId !== session.annotatorId || who.scope !== session.scope) {
      sessions.delete(session.id)
      return null
    }
    return { who, session }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAllowedHost(req.headers.host, names)) return sendText(res, 403, 'Forbidden: unexpected Host header')
    const url = new URL(req.url ?? '/', 'http://placeholder')
    const method = req.method ?? 'GET'

    const page = wantsPage(method, url.pathname, req.headers.accept)
    if (method === 'GET' && url.pathname === '/' && url.searchParams.has('token')) return exchangeToken(res, url.searchParams.get('token') ?? '', page)
    if (method === 'GET' && url.pathname.startsWith('/invite/')) return redeemInvite(res, url.pathname.slice('/invite/'.length), page)

    const auth = await authenticate(req)
    if (!auth) {
      if (page) return sendPage(res, 401, REFUSALS.signedOut)
      return sendText(res, 401, 'Unauthorized: open the address printed by PopAlign Studio (it ends in ?token=...)')
    }

    if (url.pathname.startsWith('/api/')) {
      if (url.pathname === '/api/session' && method === 'GET') return sendSession(res, auth.who, auth.session)
      if (method !== 'POST') return sendText(res, 405, 'Method Not Allowed', { Allow: 'POST' })
      return handleApiCall(req, res, url.pathname.slice('/api/'.length), auth)
    }
    if (method !== 'GET' && method !== 'HEAD') return sendText(res, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' })
    if (url.pathname.startsWith('/img/')) return sendImage(res, url, method, auth.who)
    return sendRendererFile(res, url.pathname, method)
  }

  async function exchangeToken(res: ServerResponse, token: string, page: boolean): Promise<void> {
    const who = token.length > 0 && token.length <= 512 ? await opts.verifyToken(token) : null
    if (!who) return page ? sendPage(res, 401, REFUSALS.badLink) : sendText(res, 401, 'Unauthorized: this access link is not valid (wrong or revoked token)')
    startSession(res, token, who)
  }

  async function redeemInvite(res: ServerResponse, code: string, page: boolean): Promise<void> {
    if (!opts.redeemInvite) return sendText(res, 404, 'Not Found')
    const result = code.length > 0 && code.length <= 100 ? await opts.redeemInvite(code) : { failure: 'unknown' as const }
    if ('failure' in result) {
      if (page) return sendPage(res, 401, inviteRefusal(result.failure))
      return sendText(res, 401, `Unauthorized: ${INVITE_REFUSALS[result.failure]}`)
    }
    // The session runs on the annotator's own token, so revoking the annotator ends it at once.
    startSession(res, result.token, { annotatorId: result.annotatorId, scope: result.scope, projects: result.projects })
  }

  function startSession(res: ServerResponse, token: string, who: Principal): void {
    const session = sessions.create(token, who)
    const cookie = `${cookieName}=${session.id}; HttpOnly; SameSite=Strict; Path=/${secureCookie ? '; Secure' : ''}`
    res.writeHead(303, { ...baseHeaders(), 'Set-Cookie': cookie, Location: '/', 'Cache-Control': 'no-store' })
    res.end()
  }

  async function sendSession(res: ServerResponse, who: Principal, session: ServeSession | null): Promise<void> {
    const whoami = await dispatch(opts.handlers, 'session.whoami', {}, who, opts.dispatch)
    // A damaged workspace still hands out the CSRF token, so the page can ask workspace.health and
    // show the one "workspace damaged" panel (and the owner can restore) instead of "not connected".
    if (!whoami.ok && whoami.error.code !== 'workspace_damaged') return sendJson(res, STATUS_FOR[whoami.error.code], whoami)
    const value = whoami.ok ? (whoami.value as { annotator: unknown; scope: Scope }) : { annotator: null, scope: who.scope }
    sendJson(res, 200, { csrfToken: session?.csrfToken ?? null, annotator: value.annotator, scope: value.scope })
  }

  async function handleApiCall(req: IncomingMessage, res: ServerResponse, method: string, auth: { who: Principal; session: ServeSession | null }): Promise<void> {
    // A browser always sends Origin on POST; a script with a bearer token may leave it out.
    const origin = req.headers.origin
    if (auth.session || origin !== undefined) {
      if (!isAllowedOrigin(origin, names)) return sendApiError(res, 'forbidden', 'cross-origin request refused')
    }
    if (auth.session) {
      const csrf = req.headers['x-csrf-token']
      if (typeof csrf !== 'string' || !secretsEqual(csrf, auth.session.csrfToken)) return sendApiError(res, 'forbidden', 'missing or wrong x-csrf-token header')
    }
    if (!limiter.take(auth.session ? `s:${auth.session.id}` : `a:${auth.who.annotatorId}`)) {
      return sendJson(res, 429, fail('forbidden', 'too many requests; slow down'), { 'Retry-After': '1' })
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
    if (type !== 'application/json') return sendJson(res, 415, fail('bad_request', 'Content-Type must be application/json'))

    const body = await readBody(req, MAX_BODY_BYTES)
    if (body === 'too_large') {
      sendJson(res, 413, fail('bad_request', `request body over ${MAX_BODY_BYTES} bytes`), { Connection: 'close' })
      return
    }
    let input: unknown = {}
    if (body.length > 0) {
      try {
        input = JSON.parse(body.toString('utf8'))
      } catch {
        return sendApiError(res, 'bad_request', 'request body is not valid JSON')
      }
    }
    const result = await dispatch(opts.handlers, decodeMethod(method), input, auth.who, opts.dispatch)
    sendJson(res, result.ok ? 200 : STATUS_FOR[result.error.code], result)
  }

  async function sendImage(res: ServerResponse, url: URL, method: string, who: Principal): Promise<void> {
    const id = parseImageId(url.pathname.slice('/img/'.length))
    const variant = parseImageVariant(url.searchParams.get('variant'))
    if (id === null || variant === null) return sendText(res, 404, 'Not Found')
    // 404 like an unknown id: another project's image is not there for this annotator.
    if (opts.imageAllowed && !opts.imageAllowed(who, id)) return sendText(res, 404, 'Not Found')
    const image = await locateImage(opts.imageFile, id, variant, log)
    if (!image) return sendText(res, 404, 'Not Found')
    return streamFile(res, image.file, image.contentType, method, 'private, max-age=3600')
  }

  async function sendRendererFile(res: ServerResponse, pathname: string, method: string): Promise<void> {
    const relative = pathname === '/' ? 'index.html' : pathname.slice(1)
    let file: string
    try {
      file = resolveInside(opts.rendererDir, relative, { extensions: RENDERER_EXTENSIONS })
    } catch {
      return sendText(res, 404, 'Not Found')
    }
    const type = contentTypeFor(file, RENDERER_CONTENT_TYPES)
    if (!type) return sendText(res, 404, 'Not Found')
    return streamFile(res, file, type, method, 'no-cache')
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const refuse = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    try {
      if (!isAllowedHost(req.headers.host, names)) return refuse(403, 'Forbidden')
      if (new URL(req.url ?? '/', 'http://placeholder').pathname !== '/events') return refuse(404, 'Not Found')
      // Cross-site WebSocket hijacking: the cookie rides along on any site's upgrade, so Origin decides.
      if (!isAllowedOrigin(req.headers.origin, names)) return refuse(403, 'Forbidden')
      const auth = await authenticate(req)
      if (!auth?.session) return refuse(401, 'Unauthorized')
      const session = auth.session
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.set(ws, session)
        ws.on('close', () => sockets.delete(ws))
        ws.on('error', () => sockets.delete(ws))
        ws.on('pong', () => alive.add(ws))
        alive.add(ws)
      })
    } catch (err) {
      log(`serve: WebSocket upgrade of ${req.url?.slice(0, 200)} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
      refuse(500, 'Internal Server Error')
    }
  }

  // Heartbeat: drop dead sockets, and sockets whose session was revoked or expired.
  const alive = new Set<WebSocket>()
  const heartbeat = setInterval(() => {
    for (const [ws, session] of sockets) {
      if (!alive.has(ws) || !sessions.has(session.id)) {
        ws.terminate()
        sockets.delete(ws)
        continue
      }
      alive.delete(ws)
      ws.ping()
    }
    void revalidateSessions()
  }, WS_HEARTBEAT_MS)
  heartbeat.unref()

  async function revalidateSessions(): Promise<void> {
    for (const s of sessions.all()) {
      const who = await opts.verifyToken(s.token)
      if (!who) sessions.delete(s.id)
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A refusal with a reason (the workspace is damaged, found while checking the caller's token)
      // is answered as such, not as a bare 500.
      if (err instanceof ApiFailure && !res.headersSent) return sendJson(res, STATUS_FOR[err.code], fail(err.code, err.message))
      log(`serve: ${req.method} ${req.url?.slice(0, 200)} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
      if (!res.headersSent) sendText(res, 500, 'Internal Server Error')
      else res.destroy()
    })
  })
  server.requestTimeout = 60_000
  server.headersTimeout = 20_000
  server.on('upgrade', (req, socket, head) => void upgrade(req, socket, head))
  server.on('clientError', (_err, socket) => socket.destroy())

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, bindHost, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const addr = server.address()
  if (!addr || typeof addr === 'string') throw new Error('serve mode: server has no TCP address')
  const port = addr.port
  const interfaceAddresses = isWildcardHost(bindHost) ? Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address)) : []
  names = allowedNames({ port, bindHost, publicOrigin: opts.publicOrigin, interfaceAddresses })
  // Cookies are not isolated by port: name ours by port so two studios on one host do not collide.
  cookieName = `popalign_sid_${port}`
  secureCookie = opts.publicOrigin ? new URL(opts.publicOrigin).protocol === 'https:' : false
  const displayHost = isWildcardHost(bindHost) ? '127.0.0.1' : bindHost
  const url = opts.publicOrigin ? new URL(opts.publicOrigin).origin : `http://${hostPort(displayHost, port)}`

  return {
    url,
    port,
    address: addr.address,
    broadcast(event, payload) {
      const frame = JSON.stringify({ name: event, payload })
      const needed = EVENT_SCOPE[event]
      for (const [ws, session] of sockets) {
        if (needed === 'owner' && session.scope !== 'owner') continue
        if (!sessions.has(session.id)) continue
        if (ws.readyState === ws.OPEN) ws.send(frame)
      }
    },
    async close() {
      clearInterval(heartbeat)
      sessions.save() // the last lastSeen times, so idle timeouts count from the real last visit
      for (const ws of sockets.keys()) ws.terminate()
      sockets.clear()
      wss.close()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    }
  }
}

function baseHeaders(): Record<string, string> {
  return { ...pageSecurityHeaders(), 'Cross-Origin-Resource-Policy': 'same-origin' }
}

function sendText(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  const body = Buffer.from(text + '\n', 'utf8')
  res.writeHead(status, { ...baseHeaders(), 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(body.length), 'Cache-Control': 'no-store', ...extra })
  res.end(body)
}

function sendPage(res: ServerResponse, status: number, refusal: Refusal): void {
  const body = Buffer.from(refusalPage(refusal), 'utf8')
  res.writeHead(status, { ...baseHeaders(), 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(body.length), 'Cache-Control': 'no-store' })
  res.end(body)
}

function sendJson(res: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void {
  const body = Buffer.from(JSON.stringify(value), 'utf8')
  res.writeHead(status, { ...baseHeaders(), 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(body.length), 'Cache-Control': 'no-store', ...extra })
  res.end(body)
}

function sendApiError(res: ServerResponse, code: ApiError['code'], message: string): void {
  sendJson(res, STATUS_FOR[code], fail(code, message))
}

function fail(code: ApiError['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } }
}

async function streamFile(res: ServerResponse, file: string, contentType: string, method: string, cacheControl: string): Promise<void> {
  const info = await stat(file)
  res.writeHead(200, { ...baseHeaders(), 'Content-Type': contentType, 'Content-Length': String(info.size), 'Cache-Control': cacheControl })
  if (method === 'HEAD') return void res.end()
  await new Promise<void>((resolve) => {
    const stream = createReadStream(file)
    stream.on('error', () => {
      res.destroy()
      resolve()
    })
    res.on('close', resolve)
    stream.pipe(res)
  })
}

/** Method names are plain ASCII (`labels.judge`); anything percent-encoded is decoded once, badly-encoded is passed as is and refused by dispatch. */
function decodeMethod(raw: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}

/** The whole body, or 'too_large' as soon as it passes `limit` (declared or actual). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  const declared = Number(req.headers['content-length'] ?? '0')
  if (Number.isFinite(declared) && declared > limit) {
    req.resume() // discard without buffering, so the 413 can still be read by the client
    return Promise.resolve('too_large')
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let over = false
    req.on('data', (chunk: Buffer) => {
      if (over) return
      size += chunk.length
      if (size > limit) {
        over = true
        chunks.length = 0
        resolve('too_large')
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks))
    })
    req.on('error', reject)
  })
}
