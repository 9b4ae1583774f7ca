// Progress of a headless audit on stderr. On a terminal one bar is redrawn in place; when stderr is a
// file or a pipe (CI logs) a plain line is written at every tenth of a phase instead, so logs stay short.

export interface ProgressSink {
  /** `phase` names the stage ("sampling base", "classifying"); done/total are items. */
  update(phase: string, done: number, total: number): void
  /** A line that must not be overdrawn (warnings, the files written). */
  line(text: string): void
  finish(): void
}

export interface ProgressStream {
  write(chunk: string): unknown
  isTTY?: boolean
  columns?: number
}

const BAR = 28

export function createProgressBar(stream: ProgressStream, now: () => number = Date.now): ProgressSink {
  const tty = stream.isTTY === true
  let drawn = false
  let lastPhase = ''
  let lastTenth = -1
  let lastDraw = 0
  const clear = (): void => {
    if (tty && drawn) stream.write('\r\x1b[2K')
    drawn = false
  }
  return {
    update(phase, done, total) {
      const frac = total > 0 ? Math.min(1, done / total) : 1
      if (tty) {
        // Redrawing more than ~20 times a second only costs time.
        if (phase === lastPhase && done < total && now() - lastDraw < 50) return
        lastDraw = now()
        lastPhase = phase
        const filled = Math.round(frac * BAR)
        const text = `[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${String(Math.round(frac * 100)).padStart(3)}% ${phase} ${done}/${total}`
        const width = Math.max(20, (stream.columns ?? 100) - 1)
        stream.write(`\r\x1b[2K${text.slice(0, width)}`)
        drawn = true
        return
      }
      const tenth = Math.floor(frac * 10)
      if (phase === lastPhase && tenth === lastTenth) return
      lastPhase = phase
      lastTenth = tenth
      stream.write(`${phase}: ${done}/${total} (${Math.round(frac * 100)}%)\n`)
    },
    line(text) {
      clear()
      stream.write(text + '\n')
    },
    finish() {
      if (tty && drawn) stream.write('\n')
      drawn = false
    }
  }
}
