// Serve mode against a real server on 127.0.0.1:0 (docs/methods/security.md §Serve mode, rules 1-7).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { Job } from '@shared/contract'
import { startServeMode, type ServeHandle } from '../../src-main/core/serve/server'
import type { Principal } from '../../src-main/core/serve/sessions'
import type { ImageFileRef } from '../../src-main/core/serve/image-files'
import { fakeStudioHandlers, http, type RawResponse } from './helpers'

const PNG_1x1 = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f0005000201ffa4c1d30000000049454e44ae426082', 'hex')

let dir: string
let server: ServeHandle
let port: number
const tokens = new Map<string, Principal>([
  ['owner-token-0123456789', { annotatorId: 1, scope: 'owner' }],
  ['annotator-token-0123456', { annotatorId: 2, scope: 'annotate' }]
])
const seen: RawResponse[] = []
const logged: string[] = []
let images: Map<string, ImageFileRef>

async function get(path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const res = await http(port, path, { headers })
  seen.push(res)
  return res
}
async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  const res = await http(port, path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } })
  seen.push(res)
  return res
}

/** Logs in with a token like a browser does; returns the cookie header and the CSRF token. */
async function login(token: string): Promise<{ cookie: string; csrf: string; origin: string; headers: Record<string, string> }> {
  const res = await get(`/?token=${encodeURIComponent(token)}`)
  expect(res.status).toBe(303)
  const setCookie = String(res.headers['set-cookie'])
  const cookie = setCookie.split(';')[0]
  const session = await get('/api/session', { cookie })
  expect(session.status).toBe(200)
  const csrf = session.json<{ csrfToken: string }>().csrfToken
  const origin = `http://127.0.0.1:${port}`
  return { cookie, csrf, origin, headers: { cookie, 'x-csrf-token': csrf, origin } }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'serve-test-'))
  const renderer = join(dir, 'renderer')
  mkdirSync(join(renderer, 'assets'), { recursive: true })
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>studio</title>')
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(dir, 'secret.txt'), 'top secret')
  const imgRoot = join(dir, 'images')
  mkdirSync(imgRoot)
  mkdirSync(join(dir, 'images-evil'))
  writeFileSync(join(imgRoot, 'a.png'), PNG_1x1)
  writeFileSync(join(imgRoot, 'page.html'), '<script>alert(1)</script>')
  writeFileSync(join(dir, 'images-evil', 'b.png'), PNG_1x1)
  writeFileSync(join(dir, 'outside.png'), PNG_1x1)
  symlinkSync(join(dir, 'outside.png'), join(imgRoot, 'link-out.png'))
  images = new Map<string, ImageFileRef>([
    ['1/full', { root: imgRoot, path: join(imgRoot, 'a.png') }],
    ['1/thumb', { root: imgRoot, path: 'a.png' }],
    ['2/full', { root: imgRoot, path: '../secret.txt' }],
    ['3/full', { root: imgRoot, path: join(dir, 'images-evil', 'b.png') }],
    ['4/full', { root: imgRoot, path: 'link-out.png' }],
    ['5/full', { root: imgRoot, path: 'page.html' }],
    ['6/full', { root: imgRoot, path: '/etc/passwd' }],
    // No thumbnail yet, and a thumbnail whose file is gone: both fall back to the full image.
    ['7/full', { root: imgRoot, path: 'a.png' }],
    ['8/full', { root: imgRoot, path: 'a.png' }],
    ['8/thumb', { root: imgRoot, path: 'gone.png' }]
  ])
  const { handlers } = fakeStudioHandlers()
  server = await startServeMode({
    handlers,
    imageFile: (id, variant) => images.get(`${id}/${variant}`) ?? null,
    verifyToken: (t) => tokens.get(t) ?? null,
    rendererDir: renderer,
    rateLimit: { burst: 1000, perSecond: 1000 },
    log: (l) => logged.push(l),
    dispatch: { checkOutputs: true }
  })
  port = server.port
})

afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

afterEach(() => {
  for (const res of seen) {
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([])
  }
})

describe('binding', () => {
  it('listens on 127.0.0.1 by default and reports its URL', () => {
    expect(server.address).toBe('127.0.0.1')
    expect(server.url).toBe(`http://127.0.0.1:${port}`)
    expect(logged.filter((l) => l.startsWith('WARNING'))).toEqual([])
  })
})

describe('authentication', () => {
  it('no token -> 401, for the page, the assets, the API and images', async () => {
    for (const path of ['/', '/assets/app.js', '/api/session', '/img/1']) expect((await get(path)).status, path).toBe(401)
    expect((await post('/api/projects.list', {}, { origin: `http://127.0.0.1:${port}` })).status).toBe(401)
  })

  it('wrong token -> 401 and no cookie', async () => {
    for (const t of ['nope', 'owner-token-012345678', 'owner-token-01234567890', '']) {
      const res = await get(`/?token=${encodeURIComponent(t)}`)
      expect(res.status, t).toBe(401)
      expect(res.headers['set-cookie']).toBeUndefined()
    }
    expect((await post('/api/projects.list', {}, { authorization: 'Bearer wrong-token' })).status).toBe(401)
    expect((await get('/', { cookie: `popalign_sid_${port}=forged-session-id` })).status).toBe(401)
  })

  it('a good token becomes an HttpOnly SameSite=Strict session cookie and leaves the URL', async () => {
    const res = await get('/?token=owner-token-0123456789')
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/')
    const cookie = String(res.headers['set-cookie'])
    expect(cookie).toMatch(new RegExp(`^popalign_sid_${port}=[A-Za-z0-9_-]{43}; `))
    expect(cookie).toMatch(/; HttpOnly/)
    expect(cookie).toMatch(/; SameSite=Strict/)
    expect(cookie).toMatch(/; Path=\//)
    expect(cookie).not.toContain('owner-token')
  })

  it('serves the renderer to a session with CSP, nosniff and no framing', async () => {
    const { cookie } = await login('owner-token-0123456789')
    const page = await get('/', { cookie })
    expect(page.status).toBe(200)
    expect(page.text).toContain('<title>studio</title>')
    expect(page.headers['content-type']).toMatch(/^text\/html/)
    expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/)
    expect(page.headers['content-security-policy']).not.toMatch(/unsafe-eval/)
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    expect(page.headers['x-frame-options']).toBe('DENY')
    const js = await get('/assets/app.js', { cookie })
    expect(js.status).toBe(200)
    expect(js.headers['content-type']).toMatch(/^text\/javascript/)
  })

  it('the session endpoint tells the page who it is and its CSRF token', async () => {
    const { cookie } = await login('annotator-token-0123456')
    const res = await get('/api/session', { cookie })
    const body = res.json<{ csrfToken: string; annotator: { id: number }; scope: string }>()
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(body.annotator.id).toBe(2)
    expect(body.scope).toBe('annotate')
    expect(res.headers['cache-control']).toBe('no-store')
  })

  it('a revoked token is refused at login and ends its live sessions', async () => {
    tokens.set('temp-token-abcdefghijk', { annotatorId: 3, scope: 'annotate' })
    const s = await login('temp-token-abcdefghijk')
    expect((await post('/api/projects.list', {}, s.headers)).status).toBe(200)
    tokens.delete('temp-token-abcdefghijk')
    expect((await post('/api/projects.list', {}, s.headers)).status).toBe(401)
    expect((await get('/', { cookie: s.cookie })).status).toBe(401)
    expect((await get('/?token=temp-token-abcdefghijk')).status).toBe(401)
    expect((await post('/api/projects.list', {}, { authorization: 'Bearer temp-token-abcdefghijk' })).status).toBe(401)
  })
})

describe('Host and Origin', () => {
  it('a foreign Host -> 403 even with a valid session (DNS rebinding)', async () => {
    const s = await login('owner-token-0123456789')
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, `127.0.0.1.evil.example:${port}`, `[::1]:${port}`]) {
      const res = await http(port, '/', { headers: { host, cookie: s.cookie } })
      seen.push(res)
      expect(res.status, host).toBe(403)
    }
    const ok = await http(port, '/', { headers: { host: `localhost:${port}`, cookie: s.cookie } })
    expect(ok.status).toBe(200)
  })

  it('POST with a foreign, missing or opaque Origin -> 403', async () => {
    const s = await login('owner-token-0123456789')
    for (const origin of ['http://evil.example', `http://127.0.0.1:${port}.evil.example`, `https://127.0.0.1:${port}`, `http://127.0.0.1:${port + 1}`, 'null']) {
      const res = await post('/api/projects.list', {}, { ...s.headers, origin })
      expect(res.status, origin).toBe(403)
    }
    const { origin: _dropped, ...noOrigin } = s.headers
    expect((await post('/api/projects.list', {}, noOrigin)).status).toBe(403)
    expect((await post('/api/projects.list', {}, s.headers)).status).toBe(200)
  })

  it('answers a CORS preflight without any CORS header', async () => {
    const res = await http(port, '/api/projects.list', { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } })
    seen.push(res)
    expect(res.status).toBe(401)
  })
})

describe('the API over POST', () => {
  it('calls the handler with the session principal and returns the Result', async () => {
    const s = await login('owner-token-0123456789')
    const created = await post('/api/projects.create', { name: 'Doctors' }, s.headers)
    expect(created.status).toBe(200)
    expect(created.json()).toMatchObject({ ok: true, value: { name: 'Doctors', description: '' } })
    const list = await post('/api/projects.list', {}, s.headers)
    expect(list.json<{ ok: boolean; value: unknown[] }>().value.length).toBeGreaterThan(0)
  })

  it('POST without or with a wrong CSRF header -> 403', async () => {
    const s = await login('owner-token-0123456789')
    const other = await login('annotator-token-0123456')
    expect((await post('/api/projects.list', {}, { cookie: s.cookie, origin: s.origin })).status).toBe(403)
    expect((await post('/api/projects.list', {}, { ...s.headers, 'x-csrf-token': 'x'.repeat(43) })).status).toBe(403)
    expect((await post('/api/projects.list', {}, { ...s.headers, 'x-csrf-token': other.csrf })).status).toBe(403)
  })

  it('an annotator session calling an owner method -> 403, its own methods work', async () => {
    const s = await login('annotator-token-0123456')
    const res = await post('/api/projects.create', { name: 'x' }, s.headers)
    expect(res.status).toBe(403)
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect((await post('/api/projects.list', {}, s.headers)).status).toBe(200)
  })

  it('a bearer token works for scripts without CSRF or Origin, within its scope', async () => {
    expect((await post('/api/projects.list', {}, { authorization: 'Bearer annotator-token-0123456' })).status).toBe(200)
    expect((await post('/api/projects.create', { name: 'y' }, { authorization: 'Bearer annotator-token-0123456' })).status).toBe(403)
    expect((await post('/api/projects.list', {}, { authorization: 'Bearer annotator-token-0123456', origin: 'http://evil.example' })).status).toBe(403)
  })

  it('a 10 MB body -> 413, declared or streamed', async () => {
    const s = await login('owner-token-0123456789')
    const big = JSON.stringify({ name: 'x'.repeat(10 * 1024 * 1024) })
    const res = await post('/api/projects.create', big, s.headers)
    expect(res.status).toBe(413)
    const chunked = await new Promise<RawResponse>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/api/projects.create',
            method: 'POST',
            headers: { ...s.headers, host: `127.0.0.1:${port}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' }
          },
          (r) => {
            const chunks: Buffer[] = []
            r.on('data', (c: Buffer) => chunks.push(c))
            r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(chunks), text: '', json: () => null as never }))
          }
        )
        req.on('error', reject)
        const piece = Buffer.alloc(256 * 1024, 0x61)
        let sent = 0
        const pump = (): void => {
          while (sent < 40) {
            sent++
            if (!req.write(piece)) return void req.once('drain', pump)
          }
          req.end()
        }
        pump()
      }, reject)
    }).catch((err: NodeJS.ErrnoException) => {
      // The server may close the socket before the client finishes writing; that is a refusal too.
      expect(err.code).toMatch(/ECONNRESET|EPIPE/)
      return null
    })
    if (chunked) expect(chunked.status).toBe(413)
  })

  it('bad JSON -> 400, unknown method -> 404, invalid input -> 400 naming the field, wrong content type -> 415', async () => {
    const s = await login('owner-token-0123456789')
    expect((await post('/api/projects.create', '{"name":', s.headers)).status).toBe(400)
    expect((await post('/api/nope.nothing', {}, s.headers)).status).toBe(404)
    const bad = await post('/api/projects.create', { name: 42 }, s.headers)
    expect(bad.status).toBe(400)
    expect(bad.json<{ error: { message: string } }>().error.message).toMatch(/name/)
    expect((await post('/api/projects.create', { name: 'a', extra: 1 }, s.headers)).status).toBe(400)
    expect((await post('/api/projects.list', '{}', { ...s.headers, 'content-type': 'text/plain' })).status).toBe(415)
    expect((await get('/api/projects.list', { cookie: s.cookie })).status).toBe(405)
  })
})

describe('images by id', () => {
  it('serves an image by id with an allowlisted content type and nosniff', async () => {
    const { cookie } = await login('annotator-token-0123456')
    for (const path of ['/img/1', '/img/1?variant=full', '/img/1?variant=thumb']) {
      const res = await get(path, { cookie })
      expect(res.status, path).toBe(200)
      expect(res.headers['content-type']).toBe('image/png')
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      expect(res.body.equals(PNG_1x1)).toBe(true)
    }
  })

  it('serves the full image for a thumbnail that is missing (never made, or its file is gone)', async () => {
    const { cookie } = await login('annotator-token-0123456')
    for (const path of ['/img/7?variant=thumb', '/img/8?variant=thumb']) {
      const res = await get(path, { cookie })
      expect(res.status, path).toBe(200)
      expect(res.body.equals(PNG_1x1)).toBe(true)
    }
  })

  const refused = [
    '/img/2', // stored path leads out with ../
    '/img/3', // sibling folder sharing the root's prefix
    '/img/4', // symlink pointing outside
    '/img/5', // not an image extension
    '/img/6', // absolute path elsewhere
    '/img/99', // unknown id
    '/img/01',
    '/img/1e0',
    '/img/-1',
    '/img/1?variant=original',
    '/img/..%2f..%2fsecret.txt',
    '/img/%2e%2e/secret.txt',
    '/img/..%252fsecret.txt',
    '/img/1/../../secret.txt',
    '/img/1%00.png',
    '/img/'
  ]
  it.each(refused)('refuses %s with 404', async (path) => {
    const { cookie } = await login('annotator-token-0123456')
    const res = await get(path, { cookie })
    expect([403, 404]).toContain(res.status)
    expect(res.text).not.toContain('top secret')
  })

  it('refuses traversal out of the renderer folder', async () => {
    const { cookie } = await login('annotator-token-0123456')
    for (const path of ['/..%2fsecret.txt', '/%2e%2e%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%252e%252e%252fsecret.txt', '/assets/app.js%00.png', '/assets']) {
      const res = await get(path, { cookie })
      expect(res.status, path).toBe(404)
      expect(res.text).not.toContain('top secret')
    }
  })
})

describe('WebSocket /events', () => {
  function connect(headers: Record<string, string>): Promise<{ ws: WebSocket; status: number }> {
    return new Promise((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/events`, { headers })
      ws.on('open', () => resolve({ ws, status: 101 }))
      ws.on('unexpected-response', (_req, res) => {
        resolve({ ws, status: res.statusCode ?? 0 })
        res.resume()
      })
      ws.on('error', () => {})
    })
  }
  const job: Job = { id: 7, projectId: 1, kind: 'import', state: 'running', done: 3, total: 10, message: 'importing', error: null, number: 1, name: null, createdAt: 'x', updatedAt: 'y' }

  it('refuses a foreign Origin with 403 and a missing session with 401', async () => {
    const s = await login('owner-token-0123456789')
    expect((await connect({ cookie: s.cookie, origin: 'http://evil.example' })).status).toBe(403)
    expect((await connect({ cookie: s.cookie })).status).toBe(403)
    expect((await connect({ cookie: s.cookie, origin: s.origin, host: 'evil.example' })).status).toBe(403)
    expect((await connect({ origin: s.origin })).status).toBe(401)
  })

  it('pushes job progress to owner sessions only', async () => {
    const owner = await login('owner-token-0123456789')
    const annotator = await login('annotator-token-0123456')
    const a = await connect({ cookie: owner.cookie, origin: owner.origin })
    const b = await connect({ cookie: annotator.cookie, origin: annotator.origin })
    expect([a.status, b.status]).toEqual([101, 101])
    const gotB: unknown[] = []
    b.ws.on('message', (m) => gotB.push(m))
    const message = new Promise<unknown>((resolve) => a.ws.once('message', (m) => resolve(JSON.parse((m as Buffer).toString('utf8')))))
    server.broadcast('job.progress', job)
    expect(await message).toEqual({ name: 'job.progress', payload: job })
    await new Promise((r) => setTimeout(r, 50))
    expect(gotB).toEqual([])
    a.ws.close()
    b.ws.close()
  })

  it('closes a socket that sends a frame over the size cap', async () => {
    const owner = await login('owner-token-0123456789')
    const { ws } = await connect({ cookie: owner.cookie, origin: owner.origin })
    const code = await new Promise<number>((resolve) => {
      ws.on('close', (c) => resolve(c))
      ws.send('x'.repeat(64 * 1024))
    })
    expect(code).toBe(1009)
  })
})

describe('limits and options', () => {
  it('throttles a burst of calls with 429', async () => {
    const { handlers } = fakeStudioHandlers()
    const small = await startServeMode({
      handlers,
      imageFile: () => null,
      verifyToken: (t) => tokens.get(t) ?? null,
      rendererDir: dir,
      rateLimit: { burst: 5, perSecond: 0.001 },
      dispatch: { checkOutputs: true }
    })
    try {
      const auth = { authorization: 'Bearer owner-token-0123456789', 'content-type': 'application/json' }
      const statuses: number[] = []
      for (let i = 0; i < 8; i++) statuses.push((await http(small.port, '/api/projects.list', { method: 'POST', body: '{}', headers: { ...auth, host: `127.0.0.1:${small.port}` } })).status)
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200])
      expect(statuses.slice(5)).toEqual([429, 429, 429])
    } finally {
      await small.close()
    }
  })

  it('warns when bound beyond loopback, and accepts the configured public name', async () => {
    const lines: string[] = []
    const { handlers } = fakeStudioHandlers()
    const pub = await startServeMode({
      handlers,
      imageFile: () => null,
      verifyToken: (t) => tokens.get(t) ?? null,
      rendererDir: dir,
      host: '0.0.0.0',
      publicOrigin: 'https://studio.example.org',
      log: (l) => lines.push(l),
      dispatch: { checkOutputs: true }
    })
    try {
      expect(lines.join('\n')).toMatch(/WARNING: serving on 0\.0\.0\.0/)
      expect(pub.url).toBe('https://studio.example.org')
      const res = await http(pub.port, '/api/projects.list', {
        method: 'POST',
        body: '{}',
        headers: { host: 'studio.example.org', origin: 'https://studio.example.org', authorization: 'Bearer owner-token-0123456789', 'content-type': 'application/json' }
      })
      expect(res.status).toBe(200)
      const foreign = await http(pub.port, '/api/projects.list', {
        method: 'POST',
        body: '{}',
        headers: { host: 'studio.example.org.evil', authorization: 'Bearer owner-token-0123456789', 'content-type': 'application/json' }
      })
      expect(foreign.status).toBe(403)
    } finally {
      await pub.close()
    }
  })

  it('refuses a malformed public origin before binding', async () => {
    const { handlers } = fakeStudioHandlers()
    for (const bad of ['studio.example.org', 'ftp://x', 'https://x/path', 'https://u:p@x']) {
      await expect(startServeMode({ handlers, imageFile: () => null, verifyToken: () => null, rendererDir: dir, publicOrigin: bad })).rejects.toThrow(/public origin/)
    }
  })
})
