// An in-memory stand-in for serve mode, for renderer tests that need data shapes the real server makes
// slowly (10,000 images) or failures it cannot be told to make (a decision that fails to save).
// It speaks the same wire protocol as src-main/core/serve/server.ts: session endpoint with a CSRF
// token, POST /api/<method> returning Results, GET /img/<id>. Only the boundary is fake: the renderer
// under test is the real built bundle.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import sharp from 'sharp'
import type { ImageSet, ImageSummary, PairTask, Prompt, SetPair } from '@shared/contract'

export interface FakeStudioOptions {
  rendererDir: string
  imagesPerPrompt: number[]
  /** Returns an error message to fail this label.judge call with, or null to store it. */
  failJudge?: (call: number) => string | null
  /** Methods that fail with this message (code 'conflict' unless given), for tests of where an error is shown. */
  fail?: Readonly<Record<string, string | { code: string; message: string }>>
  /** Answers for methods the fake does not know, or in place of its own. */
  answers?: Readonly<Record<string, (input: Record<string, unknown>) => unknown>>
}

export interface FakeStudio {
  url: string
  calls: Array<{ method: string; input: Record<string, unknown> }>
  judgements: Array<{ pairId: number; choice: string; shownLeft: string; idempotencyKey: string }>
  close(): Promise<void>
}

const CSRF = 'fake-csrf-token'
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }

export async function startFakeStudio(opts: FakeStudioOptions): Promise<FakeStudio> {
  const thumbs = await Promise.all(
    ['#c0504d', '#4f81bd', '#9bbb59', '#8064a2', '#f79646', '#4bacc6'].map((background) =>
      sharp({ create: { width: 64, height: 64, channels: 3, background } })
        .png()
        .toBuffer()
    )
  )
  const prompts: Prompt[] = opts.imagesPerPrompt.map((n, i) => ({ id: i + 1, projectId: 1, text: `a photo of a doctor ${i + 1}`, kind: 'neutral', neutralPromptId: null, imageCount: n }))
  const images: ImageSummary[] = []
  prompts.forEach((p) => {
    for (let i = 0; i < p.imageCount; i++) images.push({ id: images.length + 1, promptId: p.id, width: 64, height: 64, sha256: `h${images.length}`, seed: i, generator: 'fake' })
  })
  const sets: ImageSet[] = []
  const pairs: SetPair[] = []
  const judgements: FakeStudio['judgements'] = []
  const calls: FakeStudio['calls'] = []
  let judgeCalls = 0

  const progress = () => ({ done: new Set(judgements.map((j) => j.pairId)).size, total: pairs.length })
  const handlers: Record<string, (input: Record<string, unknown>) => unknown> = {
    'session.whoami': () => ({ annotator: { id: 1, name: 'owner', kind: 'human' }, scope: 'owner' }),
    'projects.list': () => [
      {
        id: 1,
        name: 'Doctors',
        description: 'fake',
        createdAt: '2026-11-23T00:00:00Z',
        counts: { images: images.length, sets: sets.length, pairs: pairs.length, labelledPairs: progress().done, importsRunning: 0, mine: { pairs: pairs.length, labelledPairs: progress().done } }
      }
    ],
    'prompts.list': () => prompts,
    'images.list': (i) => {
      const all = images.filter((im) => i.promptId === undefined || im.promptId === i.promptId)
      const offset = Number(i.offset ?? 0)
      return { total: all.length, items: all.slice(offset, offset + Number(i.limit ?? 500)) }
    },
    'sets.list': (i) => sets.filter((s) => i.promptId === undefined || s.promptId === i.promptId),
    'sets.create': (i) => {
      const set: ImageSet = { id: sets.length + 1, projectId: 1, promptId: Number(i.promptId), origin: 'manual', name: null, number: sets.length + 1, imageIds: i.imageIds as number[] }
      sets.push(set)
      return set
    },
    'sets.createRandom': (i) => {
      const pool = images.filter((im) => im.promptId === i.promptId).map((im) => im.id)
      return Array.from({ length: Number(i.count ?? 4) }, (_, c) => {
        const set: ImageSet = { id: sets.length + 1, projectId: 1, promptId: Number(i.promptId), origin: 'random', name: null, number: sets.length + 1, imageIds: pool.slice(c, c + Number(i.k ?? 5)) }
        sets.push(set)
        return set
      })
    },
    'pairs.createAll': () => {
      let created = 0
      for (const a of sets)
        for (const b of sets)
          if (a.id < b.id && a.promptId === b.promptId && a.imageIds.length === b.imageIds.length && !pairs.some((p) => p.setA === a.id && p.setB === b.id)) {
            pairs.push({ id: pairs.length + 1, projectId: 1, promptId: a.promptId, setA: a.id, setB: b.id })
            created++
          }
      // As the studio does: a set no other set of its prompt matches in size stays unpaired.
      const unpaired = sets.filter((a) => !sets.some((b) => b.id !== a.id && b.promptId === a.promptId && b.imageIds.length === a.imageIds.length)).length
      return { created, unpaired }
    },
    'pairs.list': () => pairs,
    'pairs.overview': () => {
      const label = (id: number) => {
        const set = sets.find((s) => s.id === id) as ImageSet
        return { id, label: `Set ${set.number}`, imageIds: set.imageIds }
      }
      const items = pairs.map((p) => ({ id: p.id, promptText: prompts[p.promptId - 1].text, setA: label(p.setA), setB: label(p.setB), decisions: [] }))
      return { total: items.length, items }
    },
    'label.next': (): PairTask | null => {
      const pair = pairs.find((p) => !judgements.some((j) => j.pairId === p.id))
      if (!pair) return null
      const set = (id: number) => sets.find((s) => s.id === id) as ImageSet
      return { pair, promptText: prompts[pair.promptId - 1].text, setA: set(pair.setA), setB: set(pair.setB), shownLeft: pair.id % 2 === 0 ? 'b' : 'a', progress: progress() }
    },
    'label.judge': (i) => {
      const failure = opts.failJudge?.(++judgeCalls) ?? null
      if (failure) throw Object.assign(new Error(failure), { code: 'internal' })
      if (!judgements.some((j) => j.idempotencyKey === i.idempotencyKey)) {
        judgements.push({ pairId: Number(i.pairId), choice: String(i.choice), shownLeft: String(i.shownLeft), idempotencyKey: String(i.idempotencyKey) })
      }
      const id = judgements.findIndex((j) => j.idempotencyKey === i.idempotencyKey) + 1
      return { judgement: { id, pairId: i.pairId, annotatorId: 1, criterion: 'fairness', choice: i.choice, shownLeft: i.shownLeft, responseMs: i.responseMs, createdAt: 'now' }, progress: progress() }
    },
    'label.undo': () => {
      const last = judgements.pop()
      return {
        undone: last
          ? { id: judgements.length + 1, pairId: last.pairId, annotatorId: 1, criterion: 'fairness', choice: last.choice, shownLeft: last.shownLeft, responseMs: 0, createdAt: 'now' }
          : null,
        progress: progress()
      }
    },
    'label.progress': () => progress()
  }

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, { 'content-type': type })
    res.end(body)
  }
  const readJson = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {}
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
        const failure = opts.fail?.[method]
        if (failure !== undefined) {
          const error = typeof failure === 'string' ? { code: 'conflict', message: failure } : failure
          return send(res, 409, 'application/json', JSON.stringify({ ok: false, error }))
        }
        const handler = opts.answers?.[method] ?? handlers[method]
        if (!handler) return send(res, 404, 'application/json', JSON.stringify({ ok: false, error: { code: 'not_found', message: `no ${method}` } }))
        try {
          return send(res, 200, 'application/json', JSON.stringify({ ok: true, value: handler(input) }))
        } catch (err) {
          return send(res, 500, 'application/json', JSON.stringify({ ok: false, error: { code: 'internal', message: (err as Error).message } }))
        }
      }
      if (url.pathname.startsWith('/img/')) return send(res, 200, 'image/png', thumbs[Number(url.pathname.slice(5)) % thumbs.length])
      const file = normalize(join(opts.rendererDir, url.pathname === '/' ? 'index.html' : url.pathname))
      if (!file.startsWith(opts.rendererDir)) return send(res, 404, 'text/plain', 'no')
      try {
        return send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', await readFile(file))
      } catch {
        return send(res, 404, 'text/plain', 'not found')
      }
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('fake studio has no port')
  return {
    url: `http://127.0.0.1:${address.port}`,
    calls,
    judgements,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}
