// The studio's managed trainer environment: a venv of its own with the pinned requirements of
// resources/python/requirements.txt. Idempotent: a stamp records the hash of the requirements and the
// interpreter it was built with, and a matching stamp means nothing to do (milliseconds). It only ever
// writes into a folder it created itself (a marker file says so), so pointing it at a user's
// environment or any other folder with content is refused rather than modified.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { writeFileAtomicSync } from '../fs/atomic-write'
import { describePython, findPython, type PythonFound } from './find-python'
import { runLines } from './lines'
import { envPython } from './paths'

export const MARKER_FILE = '.popalign-studio-env'
export const STAMP_FILE = 'popalign-env.json'

export interface EnvStamp {
  requirementsSha256: string
  /** Version of the venv's interpreter. */
  python: string
  /** The base interpreter the venv was created from. */
  basePython: string
  installedAt: string
  installSeconds: number
}

export type EnvStatus =
  { state: 'ready'; envDir: string; stamp: EnvStamp } | { state: 'not-installed' | 'outdated'; envDir: string; reason: string } | { state: 'no-python'; envDir: string; reason: string }

export interface EnvProgress {
  phase: 'venv' | 'collect' | 'install' | 'done'
  message: string
  /** Packages resolved so far / requirements named in the file (the lower bound of what pip fetches). */
  done: number
  total: number
}

export interface EnsureOptions {
  envDir: string
  requirementsFile: string
  env?: NodeJS.ProcessEnv
  onProgress?: (p: EnvProgress) => void
  signal?: AbortSignal
  /** How long to wait for another process installing the same environment (default 15 min). */
  lockWaitMs?: number
}

export function requirementsHash(requirementsFile: string): string {
  return createHash('sha256').update(readFileSync(requirementsFile)).digest('hex')
}

function readStamp(envDir: string): EnvStamp | null {
  try {
    return JSON.parse(readFileSync(join(envDir, STAMP_FILE), 'utf8')) as EnvStamp
  } catch {
    return null
  }
}

/** Cheap check (no process started unless the stamp matches): what ensurePythonEnv would do. */
export function envStatus(envDir: string, requirementsFile: string, env: NodeJS.ProcessEnv = process.env): EnvStatus {
  const stamp = readStamp(envDir)
  if (stamp && stamp.requirementsSha256 === requirementsHash(requirementsFile) && existsSync(envPython(envDir))) {
    return { state: 'ready', envDir, stamp }
  }
  const py = findPython(env)
  if (!py.ok) return { state: 'no-python', envDir, reason: py.reason }
  if (!existsSync(envDir) || !existsSync(join(envDir, MARKER_FILE))) return { state: 'not-installed', envDir, reason: 'the trainer environment is not installed yet' }
  return { state: 'outdated', envDir, reason: stamp ? 'the pinned requirements changed since it was installed' : 'a previous install did not finish' }
}

/** Refuses any folder with content that the studio did not create. */
function assertOurs(envDir: string): void {
  if (!existsSync(envDir)) return
  if (!statSync(envDir).isDirectory()) throw new Error(`${envDir} is a file, not a folder; choose another place for the trainer environment`)
  if (readdirSync(envDir).length === 0 || existsSync(join(envDir, MARKER_FILE))) return
  throw new Error(`${envDir} already holds files the studio did not create; it will not install into another environment or folder. Choose an empty or new folder.`)
}

/** A lock folder beside the environment, so two studios (or test runs) never install at once. */
async function withLock<T>(envDir: string, waitMs: number, work: () => Promise<T>): Promise<T> {
  const lock = `${envDir}.lock`
  mkdirSync(dirname(envDir), { recursive: true })
  const started = Date.now()
  for (;;) {
    try {
      mkdirSync(lock)
      writeFileAtomicSync(join(lock, 'pid'), String(process.pid))
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      // A lock whose owner is gone (killed mid-install) is taken over.
      const pid = Number(readFileSafe(join(lock, 'pid')))
      if (pid > 0 && !alive(pid)) {
        rmSync(lock, { recursive: true, force: true })
        continue
      }
      if (Date.now() - started > waitMs) throw new Error(`another process (pid ${pid || 'unknown'}) is installing the trainer environment at ${envDir}; try again when it has finished`)
      await new Promise((r) => setTimeout(r, 500))
    }
  }
  try {
    return await work()
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

function readFileSafe(p: string): string {
  try {
    return readFileSync(p, 'utf8')
  } catch {
    return ''
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function countRequirements(file: string): number {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.trim().startsWith('#')).length
}

/**
 * Creates or updates the environment when its stamp does not match; returns the stamp and whether
 * anything was installed. Throws with the installer's last lines when pip fails.
 */
export async function ensurePythonEnv(o: EnsureOptions): Promise<{ stamp: EnvStamp; installed: boolean }> {
  const env = o.env ?? process.env
  const wanted = requirementsHash(o.requirementsFile)
  const ready = (): EnvStamp | null => {
    const s = readStamp(o.envDir)
    return s && s.requirementsSha256 === wanted && existsSync(envPython(o.envDir)) ? s : null
  }
  const already = ready()
  if (already) return { stamp: already, installed: false }
  return withLock(o.envDir, o.lockWaitMs ?? 15 * 60_000, async () => {
    // Another process may have finished the same install while this one waited for the lock.
    const meanwhile = ready()
    if (meanwhile) return { stamp: meanwhile, installed: false }
    assertOurs(o.envDir)
    const started = Date.now()
    const total = countRequirements(o.requirementsFile)
    const report = (p: Omit<EnvProgress, 'total'>): void => o.onProgress?.({ ...p, total })
    let venvPython: PythonFound | null = existsSync(envPython(o.envDir)) ? describePython(envPython(o.envDir)) : null
    const base = findPython(env)
    if (!base.ok) throw new Error(base.reason)
    if (!venvPython) {
      // A half-made or broken venv of ours (its base interpreter moved, say) is rebuilt from scratch.
      if (existsSync(o.envDir)) rmSync(o.envDir, { recursive: true, force: true })
      mkdirSync(o.envDir, { recursive: true })
      writeFileAtomicSync(join(o.envDir, MARKER_FILE), JSON.stringify({ createdBy: 'PopAlign Studio', createdAt: new Date().toISOString() }) + '\n')
      report({ phase: 'venv', message: `creating the trainer environment with Python ${base.python.version}`, done: 0 })
      const made = await runLines(base.python.command, ['-m', 'venv', o.envDir], { env, signal: o.signal })
      if (made.code !== 0) throw new Error(`could not create the trainer environment (python -m venv): ${made.tail.slice(-5).join(' | ')}`)
      venvPython = describePython(envPython(o.envDir))
      if (!venvPython) throw new Error(`the new environment's interpreter ${envPython(o.envDir)} does not run`)
    }
    let resolved = 0
    const pipEnv = { ...env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PYTHONNOUSERSITE: '1', PIP_NO_INPUT: '1' }
    const onLine = (line: string): void => {
      const collecting = /^Collecting (\S+)/.exec(line)
      if (collecting) {
        resolved++
        report({ phase: 'collect', message: `resolving ${collecting[1]}`, done: Math.min(resolved, total) })
      } else if (line.startsWith('Installing collected packages')) {
        report({ phase: 'install', message: 'installing packages', done: total })
      }
    }
    const pip = await runLines(venvPython.executable, ['-m', 'pip', 'install', '--progress-bar', 'off', '-r', o.requirementsFile], { env: pipEnv, signal: o.signal, onStdout: onLine, tailLines: 40 })
    if (pip.code !== 0) {
      const lastError = pip.tail.filter((l) => /error/i.test(l)).slice(-3)
      throw new Error(`installing the trainer requirements failed: ${(lastError.length ? lastError : pip.tail.slice(-3)).join(' | ')}`)
    }
    const stamp: EnvStamp = {
      requirementsSha256: wanted,
      python: venvPython.version,
      basePython: base.python.executable,
      installedAt: new Date().toISOString(),
      installSeconds: Math.round((Date.now() - started) / 100) / 10
    }
    writeFileAtomicSync(join(o.envDir, STAMP_FILE), JSON.stringify(stamp, null, 2) + '\n')
    report({ phase: 'done', message: `trainer environment ready in ${stamp.installSeconds} s`, done: total })
    return { stamp, installed: true }
  })
}
