// The attack pass of issue 11, run again against the real serve mode (node out/main/serve.js, built by
// `npm run build`) and the real restore command: every hostile case the issue names, each counted as
// refused (handled the safe way) or not, and every decision the studio acknowledged checked at the end
// (lost must be 0). Prints a table and exits 1 when any case is not refused or any decision is lost;
// docs/hardening.md keeps its output. About 30 s, so it is a script, not part of npm test (each finding
// has its own fast test).
//   npm run build && npm run attack-pass [-- --keep]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { closeSync, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import sharp from 'sharp'
import { readFlags } from '../src-main/core/cli-flags'

const REPO = resolve(__dirname, '..')
const SERVE = join(REPO, 'out/main/serve.js')
const SECRET = 'root:x:0:0:SECRET-CONTENT:/root:/bin/bash'

export interface AttackCase {
  finding: string
  attack: string
  refused: boolean
  detail: string
}

export interface AttackResult {
  cases: AttackCase[]
  acknowledged: number
  lost: number
}

interface Served {
  child: ChildProcess
  port: number
  token: string
  output: () => string
}

function startServe(workspace: string): Promise<Served> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [SERVE, '--workspace', workspace, '--port', '0'], { cwd: REPO, env: { ...process.env, POPALIGN_DEMO: '0' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const timer = setTimeout(() => reject(new Error(`serve mode did not start in 30 s:\n${out}`)), 30_000)
    const onData = (d: Buffer): void => {
      out += d.toString()
      const m = /serving at http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolvePromise({ child, port: Number(m[1]), token: m[2], output: () => out })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(Object.assign(new Error(`serve mode exited with ${code}`), { output: out, code }))
    })
  })
}

/** Starts serve mode expecting a refusal: resolves with its exit code and output. */
function refusedStart(workspace: string): Promise<{ code: number | null; output: string }> {
  return startServe(workspace).then(
    async (s) => {
      await stopServe(s)
      return { code: 0, output: s.output() }
    },
    (err: Error & { code?: number | null; output?: string }) => ({ code: err.code ?? null, output: err.output ?? String(err) })
  )
}

function stopServe(s: Served): Promise<void> {
  return new Promise((done) => {
    if (s.child.exitCode !== null) return done()
    s.child.on('exit', () => done())
    s.child.kill('SIGTERM')
  })
}

interface Answer {
  status: number
  body: string
  json: () => any
  ms: number
  headers: Record<string, string | string[] | undefined>
}

function http(port: number, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<Answer> {
  const started = Date.now()
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: { host: `127.0.0.1:${port}`, ...opts.headers }, timeout: opts.timeoutMs ?? 10_000 }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        done({ status: res.statusCode ?? 0, body, json: () => JSON.parse(body), ms: Date.now() - started, headers: res.headers })
      })
    })
    req.on('timeout', () => req.destroy(new Error(`${path}: no answer within ${opts.timeoutMs ?? 10_000} ms`)))
    req.on('error', fail)
    req.end(opts.body)
  })
}

function api(s: Served, method: string, input: unknown, headers: Record<string, string> = { authorization: `Bearer ${s.token}` }): Promise<Answer> {
  return http(s.port, `/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(input) })
}

async function value<T = any>(s: Served, method: string, input: unknown): Promise<T> {
  const a = await api(s, method, input)
  const r = a.json()
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`)
  return r.value as T
}

/** `n` distinct small PNGs with sidecars naming `prompt`. */
async function imageFolder(dir: string, n: number, prompt: string, hue: number): Promise<void> {
  mkdirSync(dir, { recursive: true })
  for (let i = 0; i < n; i++) {
    const name = `img_${hue}_${i}`
    await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: (hue * 40 + i * 17) % 256, g: (i * 53) % 256, b: (hue * 90 + i * 7) % 256 } } })
      .png()
      .toFile(join(dir, `${name}.png`))
    writeFileSync(join(dir, `${name}.json`), JSON.stringify({ prompt, seed: i }))
  }
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : 0
}

export async function runAttackPass(opts: { keep?: boolean; log?: (line: string) => void } = {}): Promise<AttackResult> {
  const log = opts.log ?? (() => {})
  if (!existsSync(SERVE)) throw new Error(`${SERVE} is missing; run "npm run build" first`)
  const root = mkdtempSync(join(tmpdir(), 'attack-pass-'))
  const workspace = join(root, 'ws')
  const cases: AttackCase[] = []
  const record = (finding: string, attack: string, refused: boolean, detail: string): void => {
    cases.push({ finding, attack, refused, detail })
    log(`${refused ? 'refused' : 'NOT REFUSED'}  [${finding}] ${attack}: ${detail}`)
  }
  /** Judgement ids the studio acknowledged and did not undo: all must be in the final database. */
  const live = new Set<number>()
  let serve: Served | null = null
  try {
    // ---- The folders: good images, and next to them every hostile file of findings 1, 2 and 4.
    const folderA = join(root, 'import-a')
    const folderB = join(root, 'import-b')
    const outside = join(root, 'outside')
    await imageFolder(folderA, 12, 'a photo of a doctor', 1)
    await imageFolder(folderB, 6, 'a photo of a nurse', 2)
    mkdirSync(outside)
    writeFileSync(join(outside, 'passwd'), `${SECRET}\n`)
    writeFileSync(join(outside, 'sidecar.json'), JSON.stringify({ prompt: 'OUTSIDE-PROMPT', leakedKey: 'OUTSIDE-EXTRA' }))
    const hostile = async (stem: string, make: (sidecar: string) => void): Promise<void> => {
      await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: stem.length * 9, g: 200, b: 3 } } })
        .png()
        .toFile(join(folderA, `${stem}.png`))
      make(join(folderA, `${stem}.json`))
    }
    spawnSync('mkfifo', [join(folderA, 'fifo.json')])
    symlinkSync('/dev/zero', join(folderA, 'zero.json'))
    await hostile('img_passwd', (p) => symlinkSync(join(outside, 'passwd'), p))
    await hostile('img_outside', (p) => symlinkSync(join(outside, 'sidecar.json'), p))
    await hostile('img_deep', (p) => writeFileSync(p, `{"prompt":"a deep doctor","x":${'['.repeat(200_000)}${']'.repeat(200_000)}}`))
    spawnSync('mkfifo', [join(folderA, 'img_fifo_sidecar.json')])
    await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: 1, g: 2, b: 250 } } })
      .png()
      .toFile(join(folderA, 'img_fifo_sidecar.png'))

    serve = await startServe(workspace)
    const s = serve
    const a = await value(s, 'projects.create', { name: 'A' })
    const b = await value(s, 'projects.create', { name: 'B' })

    // ---- Findings 1, 2, 4: import the hostile folder while checking the server keeps answering.
    const jobA = await value(s, 'import.start', { projectId: a.id, folder: folderA })
    const jobB = await value(s, 'import.start', { projectId: b.id, folder: folderB })
    let slowest = 0
    const deadline = Date.now() + 60_000
    for (;;) {
      const probe = await api(s, 'projects.list', {})
      slowest = Math.max(slowest, probe.ms)
      const states = await Promise.all([jobA, jobB].map((j) => value(s, 'jobs.get', { jobId: j.id })))
      if (states.every((j) => j.state !== 'running' && j.state !== 'queued')) break
      if (Date.now() > deadline) throw new Error(`imports still running after 60 s: ${JSON.stringify(states)}`)
      await new Promise((r) => setTimeout(r, 200))
    }
    const report = await value(s, 'import.report', { jobId: jobA.id })
    const reportText = JSON.stringify(report)
    const failedFor = (name: string): string | null => report.failures.find((f: { file: string }) => f.file.endsWith(name))?.reason ?? null
    const prompts = JSON.stringify(await value(s, 'prompts.list', { projectId: a.id }))
    const rss = rssMb(s.child.pid!)
    record('1', 'FIFO named fifo.json in the import folder', failedFor('fifo.json') !== null && slowest < 3000, `report: ${failedFor('fifo.json')}; slowest answer during the import ${slowest} ms`)
    record('1', 'zero.json -> /dev/zero', failedFor('zero.json') !== null && rss < 1024, `report: ${failedFor('zero.json')}; server RSS ${rss.toFixed(0)} MB`)
    record(
      '1',
      'FIFO as an image sidecar',
      !reportText.includes('fifo_sidecar') || failedFor('img_fifo_sidecar.json') !== null || failedFor('img_fifo_sidecar.png') !== null,
      `report: ${failedFor('img_fifo_sidecar.json') ?? failedFor('img_fifo_sidecar.png') ?? 'imported without its sidecar'}`
    )
    record(
      '2',
      'sidecar symlinked to a passwd file outside the folder',
      !reportText.includes('SECRET-CONTENT') && !prompts.includes('SECRET'),
      `report: ${failedFor('img_passwd.json') ?? failedFor('img_passwd.png') ?? 'imported without the sidecar'}; content never quoted`
    )
    record(
      '2',
      'sidecar symlinked to a JSON outside the folder',
      !prompts.includes('OUTSIDE-PROMPT') && !reportText.includes('OUTSIDE-EXTRA'),
      `prompts: ${prompts.includes('OUTSIDE') ? 'LEAKED' : 'outside prompt not imported'}`
    )
    // Refused = the deep file fails alone (or is imported with its provenance bounded), the good ones are all in.
    const deep = failedFor('img_deep.json') ?? failedFor('img_deep.png')
    record(
      '4',
      'sidecar nested 200,000 levels deep',
      report.imported >= 12 && !reportText.includes('[[[') && (deep !== null || prompts.includes('a deep doctor')),
      `imported ${report.imported} (12 good); deep file: ${deep ?? 'imported, provenance bounded'}`
    )

    // ---- Decisions, then finding 8: an undo retried after a lost answer undoes nothing more.
    const promptA = (await value(s, 'prompts.list', { projectId: a.id })).find((p: { text: string }) => p.text === 'a photo of a doctor')
    await value(s, 'sets.createRandom', { projectId: a.id, promptId: promptA.id, k: 2, count: 5, seed: 7 })
    await value(s, 'pairs.createAll', { projectId: a.id })
    for (let i = 0; ; i++) {
      const task = await value(s, 'label.next', { projectId: a.id })
      if (!task) break
      const r = await value(s, 'label.judge', {
        pairId: task.pair.id,
        criterion: 'fairness',
        choice: i % 2 ? 'a' : 'b',
        shownLeft: task.shownLeft,
        responseMs: 800,
        idempotencyKey: `attack-judge-${i}`
      })
      live.add(r.judgement.id)
    }
    const acknowledged = live.size
    const last = Math.max(...live)
    const undo1 = await value(s, 'label.undo', { projectId: a.id, judgementId: last })
    const undo2 = await value(s, 'label.undo', { projectId: a.id, judgementId: last })
    live.delete(last)
    // The retry answers about the same decision and takes back nothing else.
    const retried = undo2.undone === null || undo2.undone.id === last
    record(
      '8',
      'label.undo retried after a lost answer',
      undo1.undone?.id === last && retried && undo2.progress.done === acknowledged - 1,
      `first undid ${undo1.undone?.id}, retry answered ${undo2.undone?.id ?? 'nothing'}; ${undo2.progress.done} of ${acknowledged} decisions still live`
    )

    // ---- Finding 6: an annotator invited to A calls B's methods and images.
    const alice = await value(s, 'team.createAnnotator', { name: 'alice' })
    const invite = await value(s, 'team.invite', { annotatorId: alice.id, projectIds: [a.id] })
    const joined = await http(s.port, invite.path)
    const cookie = String(joined.headers['set-cookie']).split(';')[0]
    const csrf = (await http(s.port, '/api/session', { headers: { cookie } })).json().csrfToken as string
    const asAlice = { cookie, 'x-csrf-token': csrf, origin: `http://127.0.0.1:${s.port}` }
    const imagesB = await value(s, 'images.list', { projectId: b.id })
    for (const [method, input] of [
      ['projects.get', { projectId: b.id }],
      ['images.list', { projectId: b.id }],
      ['prompts.list', { projectId: b.id }],
      ['label.next', { projectId: b.id }],
      ['label.progress', { projectId: b.id }]
    ] as const) {
      const r = await api(s, method, input, asAlice)
      record('6', `annotator of A calls ${method} on B`, r.status === 403, `HTTP ${r.status}`)
    }
    const img = await http(s.port, `/img/${imagesB.items[0].id}?variant=thumb`, { headers: { cookie } })
    record('6', 'annotator of A fetches an image of B', img.status === 404, `HTTP ${img.status}`)
    const listed = (await api(s, 'projects.list', {}, asAlice)).json().value as Array<{ id: number }>
    record('6', 'annotator of A lists projects', listed.length === 1 && listed[0].id === a.id, `sees ${listed.map((p) => p.id).join(', ')}`)
    record('6', 'annotator of A takes a backup (owner only)', (await api(s, 'workspace.backup', {}, asAlice)).status === 403, 'HTTP 403')

    // ---- Finding 3: exports aimed at the workspace's own files and at special files.
    const backup = await value(s, 'workspace.backup', {})
    spawnSync('mkfifo', [join(root, 'export.fifo')])
    for (const [what, outPath] of [
      ['the live database', join(workspace, 'workspace.db')],
      ['its WAL', join(workspace, 'workspace.db-wal')],
      ['the owner token', join(workspace, 'owner-token')],
      ['the workspace lock', join(workspace, 'workspace.lock')],
      ['a backup', backup.file],
      ['a FIFO', join(root, 'export.fifo')],
      ['/dev/null', '/dev/null'],
      ['a path outside the allowed roots', '/etc/popalign-export.csv']
    ]) {
      const r = await api(s, 'export.start', { projectId: a.id, format: 'popalign_csv', outPath, overwrite: true })
      const body = r.json()
      record('3', `export.start with overwrite onto ${what}`, !body.ok, body.ok ? 'ACCEPTED' : body.error.message.slice(0, 90))
    }
    const dbIntact = new Database(join(workspace, 'workspace.db'), { readonly: true })
    record('3', 'database after the export attempts', (dbIntact.pragma('quick_check', { simple: true }) as string) === 'ok', 'quick_check ok')
    dbIntact.close()

    // ---- Finding 7: owner-supplied classifier and mapping paths that are devices or FIFOs.
    spawnSync('mkfifo', [join(root, 'mapping.fifo')])
    for (const [what, classifier] of [
      ['mapping /dev/zero', { mappingPath: '/dev/zero' }],
      ['mapping FIFO', { mappingPath: join(root, 'mapping.fifo') }],
      ['classifier /dev/zero', { onnxPath: '/dev/zero', mappingPath: join(REPO, 'resources/classifier/world-classifier.mapping.json') }]
    ] as const) {
      const started = Date.now()
      const r = (await api(s, 'classify.start', { projectId: a.id, classifier })).json()
      let refused = !r.ok
      let detail = r.ok ? '' : r.error.message.slice(0, 90)
      if (r.ok) {
        let job = r.value
        while (job.state === 'running' || job.state === 'queued') {
          await new Promise((res) => setTimeout(res, 100))
          job = await value(s, 'jobs.get', { jobId: job.id })
        }
        refused = job.state === 'failed'
        detail = `job ${job.state}: ${String(job.error ?? '').slice(0, 90)}`
      }
      record('7', `classify.start with ${what}`, refused && Date.now() - started < 10_000 && rssMb(s.child.pid!) < 1024, detail)
    }

    // ---- Finding 5: a second process on the same workspace.
    const second = await refusedStart(workspace)
    record(
      '5',
      'a second serve process on the same workspace',
      second.code !== 0 && /already open in another PopAlign Studio \(pid \d+/.test(second.output),
      second.output.trim().split('\n').pop()!.slice(0, 120)
    )

    // Every acknowledged decision, through the API, before the database is attacked.
    const progress = await value(s, 'label.progress', { projectId: a.id })
    log(`decisions acknowledged: ${acknowledged}, one undone, progress says ${progress.done} of ${progress.total}`)
    const lastBackup = await value(s, 'workspace.backup', {})
    await stopServe(s)
    serve = null

    // ---- Finding 9: a page-corrupted and a truncated database, then the restore command.
    for (const how of ['page-corrupted', 'truncated'] as const) {
      const file = join(workspace, 'workspace.db')
      const fd = openSync(file, 'r+')
      const size = statSync(file).size
      if (how === 'truncated') ftruncateSync(fd, 8192)
      else for (let off = 4096; off < size; off += 4096) writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, off)
      closeSync(fd)
      const start = await refusedStart(workspace)
      record(
        '9',
        `serve mode on a ${how} workspace.db`,
        start.code !== 0 && /restore-workspace/.test(start.output) && start.output.includes(lastBackup.file.split('/').pop()),
        start.output.trim().split('\n').pop()!.slice(0, 140)
      )
      const restore = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'src-main/cli/restore-workspace.ts'), '--workspace', workspace, '--backup', lastBackup.file], {
        cwd: REPO,
        encoding: 'utf8',
        env: { ...process.env, TSX_TSCONFIG_PATH: join(REPO, 'src-main/tsconfig.json') }
      })
      const back = await startServe(workspace)
      const after = await value(back, 'label.progress', { projectId: a.id })
      await stopServe(back)
      record('9', `restore after the ${how} database`, restore.status === 0 && after.done === progress.done, `${restore.stdout.trim().split('\n').pop()}; progress ${after.done} of ${after.total}`)
    }

    // ---- What survived: every acknowledged, not undone decision is there and live.
    const db = new Database(join(workspace, 'workspace.db'), { readonly: true })
    const stored = new Set(db.prepare('SELECT id FROM judgements WHERE undone_at IS NULL').pluck().all() as number[])
    db.close()
    const lost = [...live].filter((id) => !stored.has(id)).length
    return { cases, acknowledged, lost }
  } finally {
    if (serve) await stopServe(serve)
    if (!opts.keep) rmSync(root, { recursive: true, force: true })
    else log(`kept ${root}`)
  }
}

export function summaryTable(result: AttackResult): string {
  const lines = ['| finding | attack | refused | what happened |', '|---|---|---|---|']
  for (const c of result.cases) lines.push(`| ${c.finding} | ${c.attack} | ${c.refused ? 'yes' : '**no**'} | ${c.detail.replace(/\|/g, '/').replace(/\s+/g, ' ')} |`)
  const refused = result.cases.filter((c) => c.refused).length
  lines.push('', `cases tried: ${result.cases.length}, refused: ${refused}, not refused: ${result.cases.length - refused}; decisions acknowledged: ${result.acknowledged}, lost: ${result.lost}`)
  return lines.join('\n')
}

if (require.main === module) {
  runAttackPass({ keep: readFlags(process.argv.slice(2), { values: [], switches: ['keep'] }).switches.keep === true, log: (l) => console.error(l) }).then(
    (result) => {
      console.log(summaryTable(result))
      process.exit(result.lost === 0 && result.cases.every((c) => c.refused) ? 0 : 1)
    },
    (err: unknown) => {
      console.error(`attack-pass: ${err instanceof Error ? err.stack : String(err)}`)
      process.exit(1)
    }
  )
}
