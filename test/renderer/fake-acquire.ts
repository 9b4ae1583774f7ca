// A serve-mode stand-in for the acquisition part of the Preference data screen: a real acquisition
// needs a trained base model and minutes of sampling, so the test steers the job's progress by hand
// (each step's message as the real job words it) and checks what the built renderer shows.
// Same wire protocol as src-main/core/serve/server.ts (session + CSRF, POST /api/<method>, GET /img/<id>).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import sharp from 'sharp'
import type { Job, Output } from '@shared/contract'

export interface FakeAcquire {
  url: string
  calls: Array<{ method: string; input: Record<string, unknown> }>
  /** Moves the acquisition job on; the page sees it on its next poll. */
  setJob(patch: Partial<Job>): void
  close(): Promise<void>
}

const CSRF = 'fake-csrf-token'
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }

export async function startFakeAcquire(rendererDir: string, ledger: Output<'acquire.ledger'>): Promise<FakeAcquire> {
  const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#0072B2' } })
    .png()
    .toBuffer()
  const calls: FakeAcquire['calls'] = []
  let job: Job | null = null
  const axes = [
    { id: 1, projectId: 1, name: 'silhouette', classes: ['round', 'angular'], ideal: null },
    { id: 2, projectId: 1, name: 'tone', classes: ['amber', 'teal'], ideal: null }
  ]
  const handlers: Record<string, (input: Record<string, unknown>) => unknown> = {
    'session.whoami': () => ({ annotator: { id: 1, name: 'owner', kind: 'human' }, scope: 'owner' }),
    'projects.list': () => [
      { id: 1, name: 'World', description: '', createdAt: '2026-11-23T00:00:00Z', counts: { images: 0, sets: 0, pairs: 0, labelledPairs: 0, importsRunning: 0, mine: { pairs: 0, labelledPairs: 0 } } }
    ],
    'prompts.list': () => [
      { id: 1, projectId: 1, text: 'a photo of a doctor', kind: 'neutral', neutralPromptId: null, imageCount: 10 },
      { id: 2, projectId: 1, text: 'a photo of a round amber doctor', kind: 'specific', neutralPromptId: 1, imageCount: 3 }
    ],
    'axes.list': () => axes,
    'models.list': () => [
      {
        id: 'base',
        label: 'Base model',
        source: 'builtin',
        jobId: null,
        step: 100,
        totalSteps: 100,
        arch: { imageSize: 16, patch: 4, width: 96, depth: 4, heads: 4 },
        weighting: 'constant',
        schedule: 'cosine',
        seed: 1,
        path: '/x/base.ckpt'
      }
    ],
    'jobs.list': () => (job ? [job] : []),
    'classify.summary': () => [],
    'snapshots.list': () => [],
    'acquire.start': () => {
      job = {
        id: 9,
        projectId: 1,
        kind: 'acquire',
        state: 'running',
        done: 0,
        total: 100,
        message: 'acquiring preferences for 2 prompt(s)',
        error: null,
        number: 1,
        name: null,
        createdAt: 'now',
        updatedAt: 'now'
      }
      return job
    },
    'jobs.get': () => {
      if (!job) throw new Error('no job')
      return job
    },
    'acquire.ledger': () => ledger
  }

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, { 'content-type': type })
    res.end(body)
  }
  const readJson = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    return chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {}
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x')
      if (url.pathname === '/api/session') return send(res, 200, 'application/json', JSON.stringify({ csrfToken: CSRF }))
      if (url.pathname.startsWith('/api/') && req.method === 'POST') {
        if (req.headers['x-csrf-token'] !== CSRF) return send(res, 403, 'application/json', JSON.stringify({ ok: false, error: { code: 'forbidden', message: 'csrf' } }))
        const method = url.pathname.slice(5)
        const input = await readJson(req)
        calls.push({ method, input })
        const handler = handlers[method]
        if (!handler) return send(res, 404, 'application/json', JSON.stringify({ ok: false, error: { code: 'not_found', message: `no ${method}` } }))
        try {
          return send(res, 200, 'application/json', JSON.stringify({ ok: true, value: handler(input) }))
        } catch (err) {
          return send(res, 500, 'application/json', JSON.stringify({ ok: false, error: { code: 'internal', message: (err as Error).message } }))
        }
      }
      if (url.pathname.startsWith('/img/')) return send(res, 200, 'image/png', png)
      const file = normalize(join(rendererDir, url.pathname === '/' ? 'index.html' : url.pathname))
      if (!file.startsWith(rendererDir)) return send(res, 404, 'text/plain', 'no')
      try {
        return send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', await readFile(file))
      } catch {
        return send(res, 404, 'text/plain', 'not found')
      }
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('fake server has no port')
  return {
    url: `http://127.0.0.1:${address.port}`,
    calls,
    setJob: (patch) => {
      if (job) job = { ...job, ...patch }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}
