// Where and how a real-model fine-tune runs on a Slurm cluster, as the studio stores it in the job's
// payload beside the trainer settings. Every value ends up inside a batch script, so names are held
// to the characters Slurm itself allows and paths are refused when they could break the quoting.

export interface SlurmSettings {
  /** Partition (queue); null uses the cluster's default. */
  partition: string | null
  /** Account to charge; null uses the user's default. */
  account: string | null
  /** Machines per run; each starts one `accelerate launch` that starts its processes. */
  nodes: number
  /** GPUs per machine (one trainer process each); 0 trains on CPUs with `settings.processes` per machine. */
  gpusPerNode: number
  cpusPerTask: number
  /** Slurm's time limit, "MM", "HH:MM:SS" or "D-HH:MM:SS". */
  timeLimit: string
  /** One array task per β (a sweep); null or empty is a single run with the settings' β. */
  sweepBetas: number[] | null
  /** The trainer's venv on the cluster; null: the studio's own (a shared home folder). */
  envDir: string | null
  /** resources/python on the cluster; null: the studio's own. */
  sourceDir: string | null
  /** Port of the first machine where the processes of a multi-machine run meet. */
  mainPort: number
}

export const DEFAULT_SLURM: SlurmSettings = {
  partition: null,
  account: null,
  nodes: 1,
  gpusPerNode: 1,
  cpusPerTask: 8,
  timeLimit: '24:00:00',
  sweepBetas: null,
  envDir: null,
  sourceDir: null,
  mainPort: 29511
}

const SLURM_NAME = /^[A-Za-z0-9_.-]{1,64}$/
const TIME_LIMIT = /^(\d+-)?\d{1,3}(:\d{2}){0,2}$/
/** Paths go into single quotes; a quote or a line break could end them. */
const SAFE_PATH = /^[^'\n\r\0]+$/

function check(ok: boolean, field: string, want: string, got: unknown): void {
  if (!ok) throw new Error(`Slurm settings: ${field} must be ${want}, got ${JSON.stringify(got)}`)
}

const whole = (v: unknown, min: number, max: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max

/** Validates Slurm settings from the UI or a stored payload; throws naming the first bad field. */
export function parseSlurmSettings(input: unknown): SlurmSettings {
  const o = { ...DEFAULT_SLURM, ...((input ?? {}) as Partial<SlurmSettings>) }
  for (const f of ['partition', 'account'] as const) check(o[f] === null || (typeof o[f] === 'string' && SLURM_NAME.test(o[f])), f, 'empty or a name of letters, digits, _ . -', o[f])
  check(whole(o.nodes, 1, 1024), 'nodes', 'a whole number from 1 to 1024', o.nodes)
  check(whole(o.gpusPerNode, 0, 64), 'gpusPerNode', 'a whole number from 0 to 64', o.gpusPerNode)
  check(whole(o.cpusPerTask, 1, 1024), 'cpusPerTask', 'a whole number from 1 to 1024', o.cpusPerTask)
  check(typeof o.timeLimit === 'string' && TIME_LIMIT.test(o.timeLimit), 'timeLimit', 'minutes, HH:MM:SS or D-HH:MM:SS', o.timeLimit)
  check(
    o.sweepBetas === null || (Array.isArray(o.sweepBetas) && o.sweepBetas.length <= 1000 && o.sweepBetas.every((b) => typeof b === 'number' && Number.isFinite(b) && b > 0)),
    'sweepBetas',
    'empty or up to 1000 positive numbers',
    o.sweepBetas
  )
  for (const f of ['envDir', 'sourceDir'] as const)
    check(o[f] === null || (typeof o[f] === 'string' && o[f].startsWith('/') && SAFE_PATH.test(o[f])), f, 'empty or an absolute path without quotes', o[f])
  check(whole(o.mainPort, 1024, 65535), 'mainPort', 'a port from 1024 to 65535', o.mainPort)
  return { ...o, sweepBetas: o.sweepBetas && o.sweepBetas.length > 0 ? [...o.sweepBetas] : null }
}

/** The β of each array task: the sweep, or the one β of the settings. */
export function taskBetas(slurm: SlurmSettings, beta: number): number[] {
  return slurm.sweepBetas ?? [beta]
}

export function assertSafePath(path: string, what: string): void {
  if (!SAFE_PATH.test(path)) throw new Error(`${what} ${JSON.stringify(path)} cannot go into a batch script (it holds a quote or a line break); move it to a plain path`)
}
