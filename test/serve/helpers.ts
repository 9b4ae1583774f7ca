// Test helpers for serve mode: raw HTTP requests (so Host, Origin and Cookie can be set freely) and
// small real handler functions standing in for the workspace store.
import { request } from 'node:http'
import { ApiFailure, type Handlers } from '../../src-main/core/api/dispatch'
import { methodNames, type Project } from '@shared/contract'

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
  text: string
  json<T = unknown>(): T
}

export function http(port: number, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: { host: `127.0.0.1:${port}`, ...opts.headers } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const body = Buffer.concat(chunks)
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8'), json: <T>() => JSON.parse(body.toString('utf8')) as T })
      })
      res.on('error', reject)
    })
    // A server that answers early (413) may close before the whole body is written.
    req.on('error', reject)
    if (opts.body !== undefined) req.end(opts.body)
    else req.end()
  })
}

/**
 * Starts a browser-like session from an access link (`/?token=...` or `/invite/<code>`): the cookie
 * from the 303, then the CSRF token from /api/session; returns the headers a page's API calls carry.
 */
export async function sessionHeaders(port: number, path: string): Promise<Record<string, string>> {
  const res = await http(port, path)
  if (res.status !== 303) throw new Error(`${path.slice(0, 40)}: expected 303, got ${res.status} ${res.text.slice(0, 200)}`)
  const cookie = String(res.headers['set-cookie']).split(';')[0]
  const session = await http(port, '/api/session', { headers: { cookie } })
  if (session.status !== 200) throw new Error(`/api/session: ${session.status} ${session.text.slice(0, 200)}`)
  const { csrfToken } = session.json<{ csrfToken: string }>()
  return { cookie, 'x-csrf-token': csrfToken, origin: `http://127.0.0.1:${port}`, 'content-type': 'application/json' }
}

/** A tiny in-memory studio: real functions with real behaviour, enough to exercise the transport. */
export function fakeStudioHandlers(): { handlers: Handlers; projects: Project[] } {
  const projects: Project[] = []
  const base = Object.fromEntries(
    methodNames.map((m) => [
      m,
      () => {
        throw new ApiFailure('not_found', `${m} is not part of this test`)
      }
    ])
  ) as unknown as Handlers
  const handlers: Handlers = {
    ...base,
    'session.whoami': (_input, ctx) => ({ annotator: { id: ctx.annotatorId, name: ctx.annotatorId === 1 ? 'Owner' : `Annotator ${ctx.annotatorId}`, kind: 'human' }, scope: ctx.scope }),
    'projects.list': () => projects.map((p) => ({ ...p, counts: { images: 0, sets: 0, pairs: 0, labelledPairs: 0, importsRunning: 0, mine: { pairs: 0, labelledPairs: 0 } } })),
    'projects.create': (input) => {
      const p: Project = { id: projects.length + 1, name: input.name, description: input.description, createdAt: new Date(0).toISOString() }
      projects.push(p)
      return p
    }
  }
  return { handlers, projects }
}
