// One process per workspace. Two studios on the same folder both resumed the same jobs (an import
// counted phantom duplicates, a training run ran twice) and one's clean exit removed the crash marker
// the other relied on. The lock is a file created with O_EXCL that names its holder (pid, host, when);
// a lock whose process is gone is taken over, so a crash never locks the user out.
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'

export const WORKSPACE_LOCK_FILE = 'workspace.lock'

interface Holder {
  pid: number
  host: string
  since: string
}

/** The message a second process shows: which workspace, which process holds it, what to do. */
export class WorkspaceLockedError extends Error {
  constructor(
    readonly workspaceDir: string,
    readonly holder: Holder
  ) {
    const where = holder.host === hostname() ? `pid ${holder.pid}` : `pid ${holder.pid} on ${holder.host}`
    super(
      `the workspace ${workspaceDir} is already open in another PopAlign Studio (${where}, since ${holder.since}). ` +
        `Close that one first, or open another workspace (--workspace DIR or POPALIGN_WORKSPACE). ` +
        `If no such process runs, delete ${join(workspaceDir, WORKSPACE_LOCK_FILE)}.`
    )
    this.name = 'WorkspaceLockedError'
  }
}

export interface WorkspaceLock {
  readonly file: string
  /** Removes the lock if it is still ours. Safe to call twice. */
  release(): void
}

/** Locks held by this process, so a second open in the same process is refused too (same pid). */
const heldHere = new Set<string>()

export function acquireWorkspaceLock(workspaceDir: string): WorkspaceLock {
  const file = join(workspaceDir, WORKSPACE_LOCK_FILE)
  const mine: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() }
  const text = `${JSON.stringify(mine)}\n`
  // A few tries: after a stale lock is taken over, or released while we looked, create again.
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createExclusive(file, text)) {
      heldHere.add(file)
      return lockHandle(file, text)
    }
    const seen = readHolder(file)
    if (seen === 'gone') continue // released between our create and read: try again
    if (seen !== 'unreadable' && isAlive(seen, file)) throw new WorkspaceLockedError(workspaceDir, seen)
    takeOverStale(file, seen === 'unreadable' ? null : seen)
  }
  const last = readHolder(file)
  throw new WorkspaceLockedError(workspaceDir, typeof last === 'object' ? last : { pid: 0, host: 'unknown', since: 'unknown' })
}

function createExclusive(file: string, text: string): boolean {
  let fd: number
  try {
    fd = openSync(file, 'wx', 0o600)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  }
  try {
    writeSync(fd, text)
  } finally {
    closeSync(fd)
  }
  return true
}

function readHolder(file: string): Holder | 'gone' | 'unreadable' {
  let raw: string
  try {
    raw = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone'
    return 'unreadable'
  }
  try {
    const v = JSON.parse(raw) as Partial<Holder>
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0) return { pid: v.pid, host: String(v.host ?? ''), since: String(v.since ?? '') }
  } catch {
    // a lock cut short by a crash while it was written
  }
  return 'unreadable'
}

function isAlive(holder: Holder, file: string): boolean {
  // Another machine's process cannot be probed (a workspace on a shared drive): assume it runs.
  if (holder.host !== hostname()) return true
  // Our own pid: held by this process (refuse), or left by an earlier process that had the same pid
  // (pids are reused, e.g. pid 1 in every container start) and so stale.
  if (holder.pid === process.pid) return heldHere.has(file)
  try {
    process.kill(holder.pid, 0)
    return true
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Moves a stale lock aside atomically (rename), so of two processes taking over at once only one
 * moves it; if what was moved turns out to be a fresh lock another process had just made, it is
 * linked back (link fails rather than overwrite) and the caller tries again.
 */
function takeOverStale(file: string, judged: Holder | null): void {
  const aside = `${file}.stale-${process.pid}-${Date.now()}`
  try {
    renameSync(file, aside)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  const moved = readHolder(aside)
  const same = judged === null ? moved === 'unreadable' : typeof moved === 'object' && moved.pid === judged.pid && moved.since === judged.since
  if (!same) {
    try {
      linkSync(aside, file)
    } catch {
      // someone else holds the lock now; the next attempt reads who
    }
  }
  rmSync(aside, { force: true })
}

function lockHandle(file: string, text: string): WorkspaceLock {
  let released = false
  return {
    file,
    release() {
      if (released) return
      released = true
      heldHere.delete(file)
      // Only our own lock: a lock another process took over (after we were judged dead) stays.
      try {
        if (readFileSync(file, 'utf8') === text) rmSync(file, { force: true })
      } catch {
        // already gone
      }
    }
  }
}
