// Finds a Python interpreter the studio can build its trainer environment from. Only a base
// interpreter is needed (its venv module); nothing is installed into it. POPALIGN_PYTHON wins, then
// the usual names on PATH. Too old an interpreter is reported as such, not silently skipped, so the
// screen can say "Python 3.9 found, 3.10+ needed" instead of "not found".
import { spawnSync } from 'node:child_process'

export const MIN_PYTHON: readonly [number, number] = [3, 10]

export interface PythonFound {
  /** The command as given (absolute path or a name on PATH). */
  command: string
  /** sys.executable: the interpreter's real path. */
  executable: string
  version: string
}

export type PythonSearch = { ok: true; python: PythonFound } | { ok: false; reason: string; tooOld: PythonFound[] }

const PROBE = 'import sys, json; print(json.dumps({"v": list(sys.version_info[:3]), "exe": sys.executable}))'

/** Runs `command -c PROBE`; null when it is not a working Python. */
export function describePython(command: string, env: NodeJS.ProcessEnv = process.env): PythonFound | null {
  const r = spawnSync(command, ['-c', PROBE], { encoding: 'utf8', timeout: 15_000, windowsHide: true, env })
  if (r.status !== 0 || !r.stdout) return null
  try {
    const o = JSON.parse(r.stdout.trim()) as { v: number[]; exe: string }
    return { command, executable: o.exe, version: o.v.join('.') }
  } catch {
    return null
  }
}

export function isSupported(version: string): boolean {
  const [major, minor] = version.split('.').map(Number)
  return major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1])
}

export function candidateCommands(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string[] {
  const list = env.POPALIGN_PYTHON ? [env.POPALIGN_PYTHON] : []
  return platform === 'win32' ? [...list, 'python', 'py'] : [...list, 'python3', 'python']
}

export function findPython(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): PythonSearch {
  const tooOld: PythonFound[] = []
  for (const command of candidateCommands(env, platform)) {
    const found = describePython(command, env)
    if (!found) continue
    if (isSupported(found.version)) return { ok: true, python: found }
    tooOld.push(found)
  }
  const need = `Python ${MIN_PYTHON.join('.')}+`
  const reason = tooOld.length
    ? `${need} not found (found ${tooOld.map((p) => `${p.version} at ${p.executable}`).join(', ')}); install a newer Python or set POPALIGN_PYTHON to one`
    : `${need} not found; install Python from python.org (or your package manager) or set POPALIGN_PYTHON to its path. The built-in world works without it.`
  return { ok: false, reason, tooOld }
}
