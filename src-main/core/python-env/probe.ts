// What the managed environment holds, from the environment itself (popalign_trainer/probe.py):
// Python and library versions, CUDA, the GPUs with their free memory, the machine's free memory.
import { spawnSync } from 'node:child_process'
import { runLines } from './lines'
import { envPython } from './paths'

export interface EnvProbe {
  python: string
  executable: string
  platform: string
  packages: Record<string, string | null>
  /** The optional deepspeed package: its version, "error: …" when it fails to import, null when absent. */
  deepspeed: string | null
  /** CUDA version when a CUDA device is usable, else null. */
  cuda: string | null
  cudaBuild?: string | null
  gpus: Array<{ index: number; name: string; freeBytes: number; totalBytes: number }>
  mps: boolean
  threads?: number
  memory: { freeBytes: number; totalBytes: number } | null
  torchError?: string
}

/** PYTHONPATH for running the trainer package from its source folder. */
export function trainerEnv(sourceDir: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const sep = process.platform === 'win32' ? ';' : ':'
  return { ...base, PYTHONPATH: base.PYTHONPATH ? `${sourceDir}${sep}${base.PYTHONPATH}` : sourceDir, PYTHONNOUSERSITE: '1', PYTHONUNBUFFERED: '1' }
}

export async function probeEnv(envDir: string, sourceDir: string): Promise<EnvProbe> {
  let json = ''
  const r = await runLines(envPython(envDir), ['-m', 'popalign_trainer.probe'], { env: trainerEnv(sourceDir), onStdout: (l) => (json = l.startsWith('{') ? l : json) })
  if (r.code !== 0 || !json) throw new Error(`probing the trainer environment failed: ${r.tail.slice(-3).join(' | ')}`)
  return JSON.parse(json) as EnvProbe
}

/**
 * Whether a package is importable in the environment, asked without importing it (no torch start-up):
 * the quick check behind refusing DeepSpeed before a run starts.
 */
export function hasPackage(envDir: string, name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a package name: ${name}`)
  const r = spawnSync(envPython(envDir), ['-c', `import importlib.util, sys; sys.exit(0 if importlib.util.find_spec("${name}") else 3)`], {
    env: { ...env, PYTHONNOUSERSITE: '1' },
    timeout: 30_000
  })
  return r.status === 0
}

/** One line for the screen: "Python 3.11.7 · torch 2.13.0+cpu · CPU only" or the GPUs. */
export function describeProbe(p: EnvProbe): string {
  const gib = (b: number): string => `${(b / 2 ** 30).toFixed(1)} GiB`
  const devices = p.gpus.length ? p.gpus.map((g) => `${g.name} (${gib(g.freeBytes)} free of ${gib(g.totalBytes)})`).join(', ') + ` · CUDA ${p.cuda}` : 'CPU only'
  const mem = p.memory ? ` · ${gib(p.memory.freeBytes)} RAM free` : ''
  return `Python ${p.python} · torch ${p.packages.torch ?? 'missing'} · ${devices}${mem}`
}
