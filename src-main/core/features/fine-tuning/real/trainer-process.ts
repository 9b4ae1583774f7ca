// The trainer as a child process in a process group of its own, so the studio can pause (SIGSTOP),
// resume (SIGCONT) and stop (SIGTERM: the trainer checkpoints at the next step and exits) the
// launcher and every worker it started at once, and follows its JSON-lines progress stream.
import { spawn } from 'node:child_process'
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
  let killTimer: ReturnType<typeof setTimeout> | null = null
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; last: TrainerEvent | null; stderrTail: string[] }>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (killTimer) clearTimeout(killTimer)
      out.end()
      err.end()
      // Workers of a multi-process run must not outlive the launcher.
      group('SIGKILL')
      resolve({ code, signal, last, stderrTail: tail })
    })
  })
  return {
    pid,
    pause: () => group('SIGSTOP'),
    resume: () => group('SIGCONT'),
    stop(graceMs = 60_000) {
      // A paused group must run again to see the signal and write its checkpoint.
      group('SIGTERM')
      group('SIGCONT')
      killTimer = setTimeout(() => group('SIGKILL'), graceMs)
    },
    exited
  }
}
