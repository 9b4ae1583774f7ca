// Append-only JSON-lines logs (a run's metrics, quality checks, guard events). Appending a line is cheap
// and a kill can at worst cut the last one, which the reader skips; a missing file reads as empty.
import { appendFileSync, readFileSync } from 'node:fs'
import { isMissingPath } from './missing'

export function appendJsonLine(path: string, value: unknown): void {
  appendFileSync(path, JSON.stringify(value) + '\n')
}

/** The parsed lines that pass `keep`, in file order; cut or damaged lines are skipped. */
export function readJsonLines<T>(path: string, keep: (value: unknown) => boolean = () => true): T[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if (isMissingPath(err)) return []
    throw err
  }
  const out: T[] = []
  for (const raw of text.split('\n')) {
    if (!raw) continue
    try {
      const value: unknown = JSON.parse(raw)
      if (keep(value)) out.push(value as T)
    } catch {
      // A line cut by a kill mid-append.
    }
  }
  return out
}

/** The latest line per integer `step` >= 0, in step order (a resumed run writes replayed steps again). */
export function latestPerStep<T extends { step: number }>(lines: readonly T[]): T[] {
  const byStep = new Map<number, T>()
  for (const l of lines) if (Number.isInteger(l.step) && l.step >= 0) byStep.set(l.step, l)
  return [...byStep.values()].sort((a, b) => a.step - b.step)
}
