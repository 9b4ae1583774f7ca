// Issue 11, finding 5: two processes on one workspace. A second studio is refused with a message
// naming the workspace and the holder's pid, its failed open leaves the first one's crash marker in
// place, and a lock left by a killed process is taken over (and the crash is still detected).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { acquireWorkspaceLock, WORKSPACE_LOCK_FILE, WorkspaceLockedError } from '../../src-main/core/store/workspace-lock'
import { markerPath, removeMarker } from '../../src-main/core/store/marker'
import { spawnTsx } from '../helpers/tsx-child'

const CHILD = path.join(__dirname, 'lock-child.ts')
const dirs: string[] = []
const children: ChildProcessWithoutNullStreams[] = []
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'popalign-lock-'))
  dirs.push(d)
  return d
}

/** Starts a studio child; resolves with its first line of output (OPEN … or REFUSED …) and exit code if it ended. */
function startStudio(dir: string): Promise<{ child: ChildProcessWithoutNullStreams; line: string }> {
  const child = spawnTsx(CHILD, [dir])
  children.push(child)
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`studio child gave no answer: ${out}`)), 60_000)
    const check = (): void => {
      const line = out.split('\n').find((l) => l.startsWith('OPEN ') || l.startsWith('REFUSED '))
      if (line) {
        clearTimeout(timer)
        resolve({ child, line })
      }
    }
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      check()
    })
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    child.on('exit', (code) => {
      if (!out.includes('OPEN ') && !out.includes('REFUSED ')) {
        clearTimeout(timer)
        reject(new Error(`studio child exited ${code}: ${out.slice(-2000)}`))
      }
    })
  })
}

const exited = (c: ChildProcessWithoutNullStreams): Promise<number | null> => (c.exitCode !== null ? Promise.resolve(c.exitCode) : new Promise((r) => c.on('exit', (code) => r(code))))

describe('workspace lock (issue 11, finding 5)', () => {
  it('refuses a second process with the workspace and the holder pid, keeps the crash marker, and takes over after a kill', async () => {
    const dir = tempDir()
    const db = path.join(dir, 'workspace.db')
    const first = await startStudio(dir)
    expect(first.line).toMatch(/^OPEN \d+ false$/)
    const firstPid = Number(first.line.split(' ')[1])

    const second = await startStudio(dir)
    expect(second.line).toContain('REFUSED')
    expect(second.line).toContain(dir)
    expect(second.line).toContain(`pid ${firstPid}`)
    expect(await exited(second.child)).toBe(3)
    // The refused process did not touch the first one's marker or lock.
    expect(JSON.parse(readFileSync(markerPath(db), 'utf8')).pid).toBe(firstPid)
    expect(JSON.parse(readFileSync(path.join(dir, WORKSPACE_LOCK_FILE), 'utf8')).pid).toBe(firstPid)

    // Killed: its lock is stale and is taken over; the crash is still seen (quick_check ran).
    first.child.kill('SIGKILL')
    await exited(first.child)
    const third = await startStudio(dir)
    expect(third.line).toMatch(/^OPEN \d+ true$/)
    third.child.stdin.end()
    expect(await exited(third.child)).toBe(0)
    expect(existsSync(path.join(dir, WORKSPACE_LOCK_FILE))).toBe(false)
    expect(existsSync(markerPath(db))).toBe(false)
  }, 180_000)

  it('refuses a second open in the same process and releases only its own lock', () => {
    const dir = tempDir()
    const lock = acquireWorkspaceLock(dir)
    expect(() => acquireWorkspaceLock(dir)).toThrow(WorkspaceLockedError)
    lock.release()
    const again = acquireWorkspaceLock(dir)
    lock.release() // a second release of the old handle must not drop the new lock
    expect(() => acquireWorkspaceLock(dir)).toThrow(/already open in another PopAlign Studio/)
    again.release()
  })

  it('takes over a lock whose process is gone, and one cut short by a crash', () => {
    const dir = tempDir()
    const file = path.join(dir, WORKSPACE_LOCK_FILE)
    // pid 2^22+ is above Linux's pid_max default, so no such process runs.
    writeFileSync(file, JSON.stringify({ pid: 4_194_999, host: hostname(), since: '2020-01-01T00:00:00Z' }))
    const lock = acquireWorkspaceLock(dir)
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid)
    lock.release()
    writeFileSync(file, '{"pid":')
    acquireWorkspaceLock(dir).release()
    expect(existsSync(file)).toBe(false)
  })

  it("a clean exit does not remove another process's crash marker", () => {
    const dir = tempDir()
    const db = path.join(dir, 'workspace.db')
    writeFileSync(markerPath(db), JSON.stringify({ pid: process.pid + 1, openedAt: 'x' }))
    removeMarker(db)
    expect(existsSync(markerPath(db))).toBe(true)
  })
})
