// The trainer as a child process tree the studio can pause (SIGSTOP), resume (SIGCONT) and stop
// (SIGTERM to the trainers: each checkpoints at the next step and exits) as a whole, and whose
// JSON-lines progress stream it follows. Signals go to every process of the tree, found with ps, not
// to the process group alone: torchrun starts each worker of a multi-process run in a session of its
// own, out of the launcher's group. SIGTERM goes to the trainers (the leaves of the tree), never to the
// launcher: Accelerate's launcher answers SIGTERM by killing its worker 5 s later (torchrun's agent:
// 30 s), whatever the worker is doing, and a step plus a checkpoint of a large UNet takes longer.
import { spawn, spawnSync } from 'node:child_process'
import { lineSplitter } from '../../../python-env/lines'

/** One line of popalign_trainer.train's stdout (see its module docstring). */
export interface TrainerEvent {
  event: 'start' | 'step' | 'checkpoint' | 'stopped' | 'done' | 'error'
  step?: number
  [key: string]: unknown
}

export interface TrainerProcess {
  readonly pid: number
  pause(): void
  resume(): void
  /** Asks the trainer to checkpoint and stop; kills the group if it has not exited after graceMs. */
  stop(graceMs?: number): void
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; last: TrainerEvent | null; stderrTail: string[] }>
}

/** What pause and resume need of a live real-model run, a local process group or a Slurm job. */
export type RunControl = Pick<TrainerProcess, 'pause' | 'resume'>

/** pid -> parent pid of every process (ps, on Linux and macOS). */
function parentsOf(): Map<number, number> {
  const r = spawnSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' })
  const map = new Map<number, number>()
  for (const line of (r.stdout ?? '').split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number)
    if (Number.isInteger(pid) && Number.isInteger(ppid)) map.set(pid, ppid)
  }
  return map
}

/** The root and all its descendants, and which of them have no children (the trainers). */
export function processTree(root: number, parents: Map<number, number> = parentsOf()): { all: number[]; leaves: number[] } {
  const children = new Map<number, number[]>()
  for (const [pid, ppid] of parents) children.set(ppid, [...(children.get(ppid) ?? []), pid])
  const all: number[] = []
  const queue = [root]
  while (queue.length) {
    const p = queue.shift()!
    all.push(p)
    queue.push(...(children.get(p) ?? []))
  }
  return { all, leaves: all.filter((p) => !children.has(p)) }
}

export function startTrainerProcess(o: {
  command: string
  args: string[]
  cwd: string
  env: NodeJS.ProcessEnv
  onEvent: (e: TrainerEvent) => void
  onStderr?: (line: string) => void
}): TrainerProcess {
  if (process.platform === 'win32') {
    // Process groups and SIGSTOP are POSIX; on Windows the launch command is shown to run by hand.
    throw new Error('launching the trainer from the studio needs Linux or macOS; run the command shown in the run folder instead')
  }
  const child = spawn(o.command, o.args, { cwd: o.cwd, env: o.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  const pid = child.pid
  if (pid === undefined) throw new Error(`could not start ${o.command}`)
  let last: TrainerEvent | null = null
  const tail: string[] = []
  const out = lineSplitter((line) => {
    if (!line.startsWith('{')) return
    try {
      last = JSON.parse(line) as TrainerEvent
    } catch {
      return
    }
    // By the first event every worker runs: remember them while the launcher is their parent.
    if (last.event === 'start') tree()
    o.onEvent(last)
  })
  const err = lineSplitter((line) => {
    tail.push(line)
    if (tail.length > 40) tail.shift()
    o.onStderr?.(line)
  })
  child.stdout.on('data', out.push)
  child.stderr.on('data', err.push)
  const group = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-pid, sig)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e
    }
  }
  // Every process seen in the tree: once the launcher is gone its orphaned workers have no parent
  // to be found by, and they must not outlive it.
  const seen = new Set<number>([pid])
  const tree = (): { all: number[]; leaves: number[] } => {
    const t = processTree(pid)
    for (const p of t.all) seen.add(p)
    return t
  }
  // Seen processes still alive whose parent is gone (init adopted them) or is one of ours; a pid
  // reused by an unrelated process since is left alone.
  const orphans = (): number[] => {
    const parents = parentsOf()
    return [...seen].filter((p) => parents.has(p) && (parents.get(p) === 1 || seen.has(parents.get(p)!)))
  }
  const send = (pids: Iterable<number>, sig: NodeJS.Signals): void => {
    for (const p of pids) {
      try {
        process.kill(p, sig)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e
      }
    }
  }
  let killTimer: ReturnType<typeof setTimeout> | null = null
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; last: TrainerEvent | null; stderrTail: string[] }>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (killTimer) clearTimeout(killTimer)
      out.end()
      err.end()
      // Workers of a multi-process run must not outlive the launcher.
      group('SIGKILL')
      seen.delete(pid)
      send(orphans(), 'SIGKILL')
      resolve({ code, signal, last, stderrTail: tail })
    })
  })
  return {
    pid,
    pause: () => {
      group('SIGSTOP')
      send(tree().all, 'SIGSTOP')
    },
    resume: () => {
      send(tree().all, 'SIGCONT')
      group('SIGCONT')
    },
    stop(graceMs = 60_000) {
      const t = tree()
      send(t.leaves, 'SIGTERM')
      // A paused tree must run again to see the signal and write its checkpoint.
      send(t.all, 'SIGCONT')
      group('SIGCONT')
      killTimer = setTimeout(() => {
        group('SIGKILL')
        send(tree().all, 'SIGKILL')
      }, graceMs)
    },
    exited
  }
}
