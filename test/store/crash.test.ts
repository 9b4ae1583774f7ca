// SIGKILL in the middle of a stream of committed decisions: after reopening, the database is sound,
// every decision the child acknowledged is there, and no transaction is half-applied.
import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { migrate } from '../../src-main/core/store/migrate'
import { LATEST_SCHEMA_VERSION, migrations } from '../../src-main/core/store/migrations'
import { openWorkspace } from '../../src-main/core/store/open'
import { addImages } from './fixtures'
import { tableNames, tempDir } from './helpers'

const root = resolve(__dirname, '../..')
const SET_SIZE = 4

interface ChildRun {
  acks: Map<string, number>
  sets: number[]
  signal: NodeJS.Signals | null
  exhausted: boolean
}

/** Runs the child, SIGKILLs it once `killAfter` acknowledgements have arrived, then drains its output. */
function runAndKill(file: string, killAfter: number): Promise<ChildRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'crash-child.ts'), file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    const run: ChildRun = { acks: new Map(), sets: [], signal: null, exhausted: false }
    let buffered = ''
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) {
        const [tag, a, b] = line.split(' ')
        if (tag === 'ack') run.acks.set(b, Number(a))
        else if (tag === 'set') run.sets.push(Number(a))
        else if (tag === 'exhausted') run.exhausted = true
      }
      if (run.acks.size >= killAfter && child.exitCode === null && !child.killed) child.kill('SIGKILL')
    })
    child.on('error', fail)
    child.on('close', (_code, signal) => {
      run.signal = signal
      if (signal !== 'SIGKILL') fail(new Error(`child ended without being killed (code ${_code}): ${stderr.slice(0, 2000)}`))
      else done(run)
    })
  })
}

describe('crash safety (SIGKILL mid-stream)', () => {
  let tmp: ReturnType<typeof tempDir>
  beforeEach(() => {
    tmp = tempDir('popalign-crash-')
  })
  afterEach(() => tmp.cleanup())

  // Three kill points: early (right after open), mid-stream, and later with a larger WAL.
  it.each([5, 60, 200])('keeps every acknowledged decision and no partial transaction (kill after %i acks)', async (killAfter) => {
    const file = join(tmp.dir, 'ws.sqlite')
    const ws = openWorkspace(file)
    const project = ws.projects.create('crash')
    const prompt = ws.prompts.ensure({ projectId: project.id, text: 'a doctor' })
    const images = addImages(ws, project.id, prompt.id, 12)
    for (let i = 0; i < 25; i++) ws.sets.create(project.id, prompt.id, 'manual', images.slice(i % 8, (i % 8) + SET_SIZE))
    ws.pairs.createAllMissing(project.id) // 300 pairs x 2 criteria: far more than the child gets through
    ws.close()

    const run = await runAndKill(file, killAfter)
    expect(run.signal).toBe('SIGKILL')
    expect(run.exhausted).toBe(false)

    const after = openWorkspace(file)
    try {
      expect(after.recoveredFromUncleanExit).toBe(true) // the marker survived the kill
      expect(after.integrityCheck()).toEqual(['ok'])
      const stored = new Map(after.judgements.listForProject(project.id).map((j) => [j.idempotencyKey, j.id]))
      for (const [key, id] of run.acks) expect(stored.get(key), key).toBe(id)
      // At most the one decision committed between its COMMIT and its printed line is unacknowledged.
      expect(stored.size - run.acks.size).toBeGreaterThanOrEqual(0)
      expect(stored.size - run.acks.size).toBeLessThanOrEqual(1)
      // Sets are multi-row transactions: each is whole or absent.
      const sizes = after.db.prepare('SELECT s.id, count(m.image_id) AS n FROM image_sets s LEFT JOIN set_members m ON m.set_id = s.id GROUP BY s.id').all() as Array<{ id: number; n: number }>
      for (const { id, n } of sizes) expect(n, `set ${id}`).toBe(SET_SIZE)
      const setIds = new Set(sizes.map((s) => s.id))
      for (const id of run.sets) expect(setIds.has(id), `acknowledged set ${id}`).toBe(true)
      // The workspace is usable again: the next decision goes in normally.
      const next = after.judgements.nextUnjudgedPair(after.annotators.owner().id, project.id, 'fairness')
      expect(next).not.toBeNull()
    } finally {
      after.close()
    }
  })
})

describe('crash safety (SIGKILL during a migration)', () => {
  it('leaves user_version and the schema exactly as before, then migrates cleanly', async () => {
    const tmp = tempDir('popalign-migcrash-')
    try {
      const file = join(tmp.dir, 'ws.sqlite')
      const v1 = new Database(file)
      v1.pragma('journal_mode = WAL')
      migrate(v1, migrations.slice(0, 1))
      v1.prepare("INSERT INTO projects (name) VALUES ('kept')").run()
      const tablesBefore = tableNames(v1)
      v1.close()

      await new Promise<void>((done, fail) => {
        const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'migrate-crash-child.ts'), file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
        let stderr = ''
        child.stderr.on('data', (d) => (stderr += d))
        child.stdout.on('data', (d: Buffer) => {
          if (d.toString().includes('inside')) child.kill('SIGKILL')
        })
        child.on('close', (code, signal) => (signal === 'SIGKILL' ? done() : fail(new Error(`child exited ${code}: ${stderr.slice(0, 2000)}`))))
      })

      const raw = new Database(file)
      expect(raw.pragma('user_version', { simple: true })).toBe(1)
      expect(tableNames(raw)).toEqual(tablesBefore) // no table from steps 2..N nor the half-done one
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok')
      raw.close()
      const ws = openWorkspace(file)
      expect(ws.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
      expect(ws.projects.list().map((p) => p.name)).toEqual(['kept'])
      ws.close()
    } finally {
      tmp.cleanup()
    }
  })
})
