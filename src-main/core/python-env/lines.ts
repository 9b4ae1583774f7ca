// Runs a child process and hands its output to the caller line by line (pip's log, the trainer's
// JSON-lines progress), keeping the last lines of stderr for the error message when it fails.
import { spawn, type SpawnOptions } from 'node:child_process'

export interface LineProcessResult {
  code: number | null
  signal: NodeJS.Signals | null
  /** The last lines either stream wrote, for an error message. */
  tail: string[]
}

/** Splits a stream's chunks into whole lines; the last partial line is flushed by end(). */
/** push and end use no `this`, so they can be passed on as stream listeners unbound. */
export function lineSplitter(onLine: (line: string) => void): { push: (chunk: Buffer | string) => void; end: () => void } {
  let rest = ''
  return {
    push(chunk) {
      rest += chunk.toString()
      const parts = rest.split(/\r?\n/)
      rest = parts.pop() ?? ''
      for (const p of parts) onLine(p)
    },
    end() {
      if (rest) onLine(rest)
      rest = ''
    }
  }
}

export function runLines(
  command: string,
  args: string[],
  opts: SpawnOptions & { onStdout?: (line: string) => void; onStderr?: (line: string) => void; signal?: AbortSignal; tailLines?: number }
): Promise<LineProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] })
    const tail: string[] = []
    const keep = (line: string): void => {
      tail.push(line)
      if (tail.length > (opts.tailLines ?? 30)) tail.shift()
    }
    const out = lineSplitter((l) => {
      keep(l)
      opts.onStdout?.(l)
    })
    const err = lineSplitter((l) => {
      keep(l)
      opts.onStderr?.(l)
    })
    child.stdout?.on('data', out.push)
    child.stderr?.on('data', err.push)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      out.end()
      err.end()
      resolvePromise({ code, signal, tail })
    })
  })
}
