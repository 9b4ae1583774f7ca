// What the divergence guard did in a run, as JSON lines in <run>/guard.jsonl, so the run's screen and
// its final message can say it after a restart too.
import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { GuardEvent } from '@shared/contract'
import { isMissingPath } from '../fs/missing'

export const GUARD_FILE = 'guard.jsonl'

export function appendGuardEvent(runDir: string, event: GuardEvent): void {
  appendFileSync(join(runDir, GUARD_FILE), JSON.stringify(event) + '\n')
}

/** Events in the order they happened; a line cut by a kill is skipped. */
export function readGuardEvents(runDir: string): GuardEvent[] {
  let text: string
  try {
    text = readFileSync(join(runDir, GUARD_FILE), 'utf8')
  } catch (err) {
    if (isMissingPath(err)) return []
    throw err
  }
  const out: GuardEvent[] = []
  for (const raw of text.split('\n')) {
    if (!raw) continue
    try {
      out.push(JSON.parse(raw) as GuardEvent)
    } catch {
      // cut by a kill mid-append
    }
  }
  return out
}
