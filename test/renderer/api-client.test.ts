import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createElectronClient, createServeClient, CSRF_HEADER, isUnanswered } from '../../src-renderer/src/lib/api'
import { sendUntilAnswered } from '../../src-renderer/src/lib/resend'
import type { ApiEvent, WindowApi } from '@shared/window-api'

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

describe('serve-mode client', () => {
  it('fetches the CSRF token once and posts JSON to /api/<method> with it', async () => {
    const seen: Array<{ url: string; init?: RequestInit }> = []
    const fetch = (async (url: URL, init?: RequestInit) => {
      seen.push({ url: String(url), init })
      if (String(url).endsWith('/api/session')) return jsonResponse(200, { csrfToken: 'tok-1' })
      return jsonResponse(200, { ok: true, value: [] })
    }) as unknown as typeof globalThis.fetch
    const client = createServeClient({ origin: 'http://127.0.0.1:5000', fetch })
    await client.call('projects.list', {})
    const r = await client.call('prompts.list', { projectId: 3 })
    expect(r).toEqual({ ok: true, value: [] })
    expect(seen.map((s) => s.url)).toEqual(['http://127.0.0.1:5000/api/session', 'http://127.0.0.1:5000/api/projects.list', 'http://127.0.0.1:5000/api/prompts.list'])
    const last = seen[2].init!
    expect(last.method).toBe('POST')
    expect((last.headers as Record<string, string>)[CSRF_HEADER]).toBe('tok-1')
    expect(JSON.parse(last.body as string)).toEqual({ projectId: 3 })
  })

  it('passes API errors through and turns transport failures into errors, never throwing', async () => {
    let mode: 'error' | 'html' | 'down' = 'error'
    const fetch = (async (url: URL) => {
      if (String(url).endsWith('/api/session')) return jsonResponse(200, { csrfToken: 't' })
      if (mode === 'error') return jsonResponse(400, { ok: false, error: { code: 'bad_request', message: 'projects.create: name: Too small' } })
      if (mode === 'html') return new Response('<html>proxy error</html>', { status: 502 })
      throw new TypeError('Failed to fetch')
    }) as unknown as typeof globalThis.fetch
    const client = createServeClient({ origin: 'http://127.0.0.1:5000', fetch })
    expect(await client.call('projects.create', { name: '' })).toEqual({ ok: false, error: { code: 'bad_request', message: 'projects.create: name: Too small' } })
    mode = 'html'
    const html = await client.call('projects.list', {})
    expect(html.ok).toBe(false)
    if (!html.ok) expect(html.error.message).toContain('HTTP 502')
    mode = 'down'
    const down = await client.call('projects.list', {})
    expect(down.ok).toBe(false)
    if (!down.ok) expect(down.error.message).toContain('Failed to fetch')
  })

  it("passes on a damaged workspace's answer to the session handshake, so the page shows the damaged panel (issue 11, finding 9)", async () => {
    const damaged = { code: 'workspace_damaged', message: "the studio's workspace is damaged and cannot check your access" }
    const fetch = (async (url: URL) => {
      if (String(url).endsWith('/api/session')) return jsonResponse(503, { ok: false, error: damaged })
      return jsonResponse(200, { ok: true, value: [] })
    }) as unknown as typeof globalThis.fetch
    const client = createServeClient({ origin: 'http://127.0.0.1:5000', fetch })
    expect(await client.call('session.whoami', {})).toEqual({ ok: false, error: damaged })
  })

  it('refetches the CSRF token once when the server rejects it (e.g. after a restart)', async () => {
    let token = 'old'
    const sent: string[] = []
    const fetch = (async (url: URL, init?: RequestInit) => {
      if (String(url).endsWith('/api/session')) return jsonResponse(200, { csrfToken: token })
      const header = (init?.headers as Record<string, string>)[CSRF_HEADER]
      sent.push(header)
      return header === 'new' ? jsonResponse(200, { ok: true, value: [] }) : jsonResponse(403, { ok: false, error: { code: 'forbidden', message: 'wrong csrf' } })
    }) as unknown as typeof globalThis.fetch
    const client = createServeClient({ origin: 'http://h', fetch })
    // Still refused after one fresh token: the error reaches the caller (no endless retry loop).
    expect((await client.call('projects.list', {})).ok).toBe(false)
    token = 'new'
    const r = await client.call('projects.list', {})
    expect(r.ok).toBe(true)
    expect(sent).toEqual(['old', 'old', 'old', 'new'])
  })

  it('reports a session that is not authorised with a hint to reopen the link', async () => {
    const fetch = (async () => new Response('no', { status: 401 })) as unknown as typeof globalThis.fetch
    const r = await createServeClient({ origin: 'http://h', fetch }).call('projects.list', {})
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.message).toMatch(/401.*token/)
  })

  it('builds image URLs by id and variant', () => {
    const client = createServeClient({ origin: 'http://h', fetch: globalThis.fetch })
    expect(client.imageUrl(42, 'thumb')).toBe('/img/42?variant=thumb')
  })
})

describe('serve-mode client on a connection that never answers', () => {
  let server: Server | null = null
  afterEach(() => {
    server?.closeAllConnections()
    server?.close()
    server = null
  })

  /** A real HTTP studio that answers the session handshake and hands every POST to `onPost`. */
  async function studio(onPost: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<string> {
    server = createServer((req, res) => {
      if (req.url === '/api/session') return void res.end(JSON.stringify({ csrfToken: 't' }))
      let body = ''
      req.on('data', (chunk: Buffer) => (body += chunk.toString()))
      req.on('end', () => onPost(req, res, body))
    })
    await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  const decision = { pairId: 1, criterion: 'fairness', choice: 'a', shownLeft: 'a', responseMs: 900, idempotencyKey: 'key-1' } as const

  it('gives up after the timeout with an unanswered error, and closes the request', async () => {
    let closed = false
    const origin = await studio((req) => req.socket.on('close', () => (closed = true))) // never answers
    const client = createServeClient({ origin, fetch: globalThis.fetch })
    const started = Date.now()
    const r = await client.call('label.judge', decision, { timeoutMs: 300 })
    expect(Date.now() - started).toBeLessThan(3000)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(isUnanswered(r.error)).toBe(true)
    expect(r.error.message).toBe('label.judge: the studio did not answer within 0.3 s')
    await expect.poll(() => closed, { timeout: 2000 }).toBe(true)
  }, 10_000)

  it('resends a decision whose first copy hung, with the same key, and takes the answer to the second', async () => {
    const bodies: string[] = []
    const origin = await studio((_req, res, body) => {
      bodies.push(body)
      if (bodies.length === 1) return // the first copy hangs
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ ok: true, value: { stored: bodies.length } }))
    })
    const client = createServeClient({ origin, fetch: globalThis.fetch })
    const r = await sendUntilAnswered(() => client.call('label.judge', decision, { timeoutMs: 300 }), { delaysMs: [10] })
    expect(r).toEqual({ ok: true, value: { stored: 2 } })
    expect(bodies.map((b) => JSON.parse(b))).toEqual([decision, decision])
  }, 10_000)
})

describe('electron client', () => {
  it('forwards calls and fans events out by name', async () => {
    let listener: (event: ApiEvent) => void = () => {}
    const bridge = {
      invoke: async (method: string, input: unknown) => ({ ok: true, value: { method, input } }),
      onEvent: (l: typeof listener) => ((listener = l), () => {}),
      imageUrl: (id: number, variant: string) => `app-img://${variant}/${id}`
    } as unknown as WindowApi
    const client = createElectronClient(bridge)
    expect(await client.call('projects.list', {})).toEqual({ ok: true, value: { method: 'projects.list', input: {} } })
    const got: number[] = []
    const off = client.onEvent('job.progress', (job) => got.push(job.id))
    listener({ name: 'job.progress', payload: { id: 7 } as never })
    off()
    listener({ name: 'job.progress', payload: { id: 8 } as never })
    expect(got).toEqual([7])
  })

  it('turns a rejected invoke into an error result', async () => {
    const bridge = { invoke: async () => Promise.reject(new Error('IPC closed')), onEvent: () => () => {}, imageUrl: () => '' } as unknown as WindowApi
    const r = await createElectronClient(bridge).call('projects.list', {})
    expect(r).toMatchObject({ ok: false, error: { message: 'projects.list: IPC closed' } })
  })
})
