// Slurm's own commands as the studio uses them: sbatch to submit, squeue for tasks still queued or
// running, scontrol and then sacct for tasks that have left the queue, scancel to cancel and
// scontrol suspend/resume to pause. The commands run with the environment given (SLURM_CONF and
// PATH); their error lines are passed on in the user's words.
import { execFile, execFileSync } from 'node:child_process'

/** Job states in which a task may still change (everything else is final). */
const LIVE_STATES = new Set(['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'REQUEUE_FED', 'REQUEUE_HOLD', 'RESIZING', 'SIGNALING', 'STAGE_OUT', 'RESV_DEL_HOLD'])

export interface TaskState {
  task: number
  /** Slurm's state name (COMPLETED, CANCELLED, …; "CANCELLED by 0" is read as CANCELLED). */
  state: string
  reason: string | null
}

export function isLiveState(state: string): boolean {
  return LIVE_STATES.has(state)
}

export class SlurmCommandError extends Error {}
/** sbatch is not on this machine: the run's files are written for the user to submit on the cluster. */
export class SbatchMissingError extends SlurmCommandError {}

/** "3", "0-4", "1,3-5" or "0-9%2" (a throttle) as task numbers. */
export function expandTaskIds(spec: string): number[] {
  const out: number[] = []
  for (const part of spec
    .replace(/^\[|\]$/g, '')
    .split('%')[0]
    .split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim())
    if (!m) continue
    const from = Number(m[1])
    const to = m[2] === undefined ? from : Number(m[2])
    for (let i = from; i <= to; i++) out.push(i)
  }
  return out
}

const stateName = (s: string): string => s.trim().split(/\s+/)[0].replace(/\+$/, '')

/** `squeue -h -r -o %K|%T|%r` lines; %K is N/A for a job that is not an array (task 0). */
export function parseSqueue(text: string): TaskState[] {
  const out: TaskState[] = []
  for (const line of text.split('\n')) {
    const [task, state, reason] = line.trim().split('|')
    if (!state) continue
    for (const t of task === 'N/A' ? [0] : expandTaskIds(task)) out.push({ task: t, state: stateName(state), reason: reason && reason !== 'None' ? reason : null })
  }
  return out
}

/** `scontrol show job -o` records (one per task, or one per remaining range of a pending array). */
export function parseScontrolJobs(text: string): TaskState[] {
  const out: TaskState[] = []
  for (const line of text.split('\n')) {
    const field = (name: string): string | null => new RegExp(`(?:^|\\s)${name}=(\\S*)`).exec(line)?.[1] ?? null
    const state = field('JobState')
    if (!state) continue
    const tasks = field('ArrayTaskId')
    const reason = field('Reason')
    for (const t of tasks === null ? [0] : expandTaskIds(tasks)) out.push({ task: t, state: stateName(state), reason: reason && reason !== 'None' ? reason : null })
  }
  return out
}

/** `sacct -n -P -X -o JobID,State` lines: "12_0|COMPLETED", "12_[1-3]|PENDING", "12|CANCELLED by 0". */
export function parseSacct(text: string): TaskState[] {
  const out: TaskState[] = []
  for (const line of text.split('\n')) {
    const [id, state] = line.trim().split('|')
    if (!state) continue
    const underscore = id.indexOf('_')
    for (const t of underscore < 0 ? [0] : expandTaskIds(id.slice(underscore + 1))) out.push({ task: t, state: stateName(state), reason: null })
  }
  return out
}

export interface SlurmClient {
  /** Submits a batch script; resolves with Slurm's job id. */
  submit(script: string): Promise<string>
  /** The state of every task of the job, from whichever of squeue, scontrol and sacct still knows it. */
  tasks(jobId: string, count: number): Promise<TaskState[]>
  cancel(jobId: string): void
  suspend(jobId: string): void
  resume(jobId: string): void
}

export interface SlurmClientOptions {
  /** The commands' environment (SLURM_CONF, PATH); the process's own when absent. */
  env?: NodeJS.ProcessEnv
  /** Where the commands are, when not on PATH (a test cluster's bin folder). */
  binDir?: string
}

export function createSlurmClient(o: SlurmClientOptions = {}): SlurmClient {
  const bin = (name: string): string => (o.binDir ? `${o.binDir}/${name}` : name)
  const run = (name: string, args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string; missing: boolean }> =>
    new Promise((resolve) => {
      execFile(bin(name), args, { env: o.env, timeout: 30_000, maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
        resolve({ ok: !err, stdout: String(stdout), stderr: String(stderr).trim(), missing: (err as NodeJS.ErrnoException | null)?.code === 'ENOENT' })
      })
    })
  const runSync = (name: string, args: string[], doing: string): void => {
    try {
      execFileSync(bin(name), args, { env: o.env, timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] })
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: Buffer }
      if (e.code === 'ENOENT') throw new SlurmCommandError(`${name} is not on this machine's PATH, so the studio cannot ${doing}`)
      throw new SlurmCommandError(`Slurm refused to ${doing}: ${e.stderr?.toString().trim() || e.message}`)
    }
  }
  return {
    async submit(script) {
      const r = await run('sbatch', ['--parsable', script])
      if (r.missing) throw new SbatchMissingError(`sbatch is not on this machine's PATH; submit the script on the cluster with: sbatch ${script}`)
      if (!r.ok) throw new SlurmCommandError(`sbatch refused the job: ${r.stderr || 'no reason given'}`)
      const id = r.stdout.trim().split(';')[0]
      if (!/^\d+$/.test(id)) throw new SlurmCommandError(`sbatch answered ${JSON.stringify(r.stdout.trim())} instead of a job id`)
      return id
    },
    async tasks(jobId, count) {
      const known = new Map<number, TaskState>()
      const add = (list: TaskState[]): void => {
        for (const t of list) if (t.task < count && !known.has(t.task)) known.set(t.task, t)
      }
      // A job that left the queue makes squeue fail with "Invalid job id"; the next source answers.
      const queued = await run('squeue', ['-h', '-r', '-j', jobId, '-o', '%K|%T|%r'])
      if (queued.missing) throw new SlurmCommandError("squeue is not on this machine's PATH, so the studio cannot follow the job")
      if (queued.ok) add(parseSqueue(queued.stdout))
      // "Invalid job id" is an answer too: the controller no longer knows the job.
      const knowsNot = (r: { stderr: string }): boolean => /invalid job id/i.test(r.stderr)
      let answered = queued.ok || knowsNot(queued)
      if (known.size < count) {
        const shown = await run('scontrol', ['show', 'job', '-o', jobId])
        answered ||= shown.ok || knowsNot(shown)
        if (shown.ok) add(parseScontrolJobs(shown.stdout))
      }
      if (known.size < count) {
        const accounted = await run('sacct', ['-n', '-P', '-X', '-j', jobId, '-o', 'JobID,State'])
        answered ||= accounted.ok
        if (accounted.ok) add(parseSacct(accounted.stdout))
      }
      // None of the three answered: the controller is unreachable, which says nothing about the job.
      if (!answered) throw new SlurmCommandError(`Slurm did not answer about job ${jobId}: ${queued.stderr || 'no reason given'}`)
      return Array.from({ length: count }, (_, task) => known.get(task) ?? { task, state: 'UNKNOWN', reason: 'Slurm no longer knows this task' })
    },
    cancel: (jobId) => runSync('scancel', [jobId], `cancel job ${jobId}`),
    suspend: (jobId) => runSync('scontrol', ['suspend', jobId], `pause job ${jobId} (suspending a job usually needs a Slurm operator)`),
    resume: (jobId) => runSync('scontrol', ['resume', jobId], `resume job ${jobId}`)
  }
}
