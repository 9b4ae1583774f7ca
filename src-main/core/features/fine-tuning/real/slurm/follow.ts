// Follows a submitted Slurm job: every poll it reads what each array task's trainer wrote to its
// output file since the last poll (the trainer's JSON-lines progress, on the cluster's shared
// filesystem) and asks Slurm for the tasks' states, until every task has reached a final state.
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs'
import { lineSplitter } from '../../../../python-env/lines'
import type { TrainerEvent } from '../trainer-process'
import { isLiveState, type SlurmClient, type TaskState } from './client'
import { slurmLayout } from './script'

/** Polls in a row that Slurm may fail to answer before following gives up (with the pollMs of 5 s, 5 minutes). */
const MAX_FAILED_POLLS = 60

export interface SlurmFollow {
  pause(): void
  resume(): void
  /** scancel: Slurm sends SIGTERM, the trainer writes a checkpoint and stops. */
  cancel(): void
  /** Stops following without touching the job (the studio closes; the job keeps running on the cluster). */
  detach(): void
  /** The final state of every task, or null when detached first. */
  readonly ended: Promise<TaskState[] | null>
}

export interface FollowOptions {
  client: SlurmClient
  jobId: string
  runDir: string
  tasks: number
  pollMs: number
  onEvent: (task: number, e: TrainerEvent) => void
  onStates: (states: TaskState[]) => void
}

/** Reads a growing file from where the last read stopped. */
function tailer(path: string, onLine: (line: string) => void): { read: () => void; end: () => void } {
  let offset = 0
  const lines = lineSplitter(onLine)
  const buf = Buffer.alloc(1 << 16)
  return {
    read() {
      if (!existsSync(path)) return
      const fd = openSync(path, 'r')
      try {
        for (;;) {
          const n = readSync(fd, buf, 0, buf.length, offset)
          if (n <= 0) break
          offset += n
          lines.push(buf.subarray(0, n))
        }
      } finally {
        closeSync(fd)
      }
    },
    end: lines.end
  }
}

export function followSlurmJob(o: FollowOptions): SlurmFollow {
  let detached = false
  let wake: (() => void) | null = null
  const tails = Array.from({ length: o.tasks }, (_, task) =>
    tailer(slurmLayout.stdout(o.runDir, task), (line) => {
      if (!line.startsWith('{')) return
      let e: TrainerEvent
      try {
        e = JSON.parse(line) as TrainerEvent
      } catch {
        return
      }
      o.onEvent(task, e)
    })
  )
  const readAll = (): void => tails.forEach((t) => t.read())
  let failures = 0
  const sleep = async (): Promise<void> => {
    await new Promise<void>((r) => {
      const timer = setTimeout(r, o.pollMs)
      wake = () => {
        clearTimeout(timer)
        r()
      }
    })
    wake = null
  }
  const ended = (async (): Promise<TaskState[] | null> => {
    for (;;) {
      if (detached) return null
      readAll()
      let states: TaskState[]
      try {
        states = await o.client.tasks(o.jobId, o.tasks)
        failures = 0
      } catch (err) {
        // A controller that is restarting or briefly unreachable is waited for; a lasting outage ends following.
        if (++failures >= MAX_FAILED_POLLS) throw err
        await sleep()
        continue
      }
      if (detached) return null
      o.onStates(states)
      // A task Slurm no longer knows (aged out of a cluster without accounting) cannot change any more either.
      if (states.every((s) => !isLiveState(s.state))) {
        // What the trainer wrote between the last read and its end.
        readAll()
        tails.forEach((t) => t.end())
        return states
      }
      await sleep()
    }
  })()
  return {
    pause: () => o.client.suspend(o.jobId),
    resume: () => o.client.resume(o.jobId),
    cancel: () => o.client.cancel(o.jobId),
    detach() {
      detached = true
      wake?.()
    },
    ended
  }
}

/** The last lines a task wrote to stderr, for the error message of a failed task. */
export function stderrTail(runDir: string, task: number, lines = 3): string {
  const path = slurmLayout.stderr(runDir, task)
  if (!existsSync(path)) return ''
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .slice(-lines)
    .join(' | ')
}
