// What the managed environment holds, from the environment itself (popalign_trainer/probe.py):
// Python and library versions, CUDA, the GPUs with their free memory, the machine's free memory.
import { runLines } from './lines'
import { envPython } from './paths'

export interface EnvProbe {
  python: string
  executable: string
  platform: string
  packages: Record<string, string | null>
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

/** One line for the screen: "Python 3.11.7 · torch 2.13.0+cpu · CPU only" or the GPUs. */
export function describeProbe(p: EnvProbe): string {
  const gib = (b: number): string => `${(b / 2 ** 30).toFixed(1)} GiB`
  const devices = p.gpus.length ? p.gpus.map((g) => `${g.name} (${gib(g.freeBytes)} free of ${gib(g.totalBytes)})`).join(', ') + ` · CUDA ${p.cuda}` : 'CPU only'
  const mem = p.memory ? ` · ${gib(p.memory.freeBytes)} RAM free` : ''
  return `Python ${p.python} · torch ${p.packages.torch ?? 'missing'} · ${devices}${mem}`
}
