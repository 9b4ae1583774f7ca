// What the divergence guard did in a run, as JSON lines in <run>/guard.jsonl, so the run's screen and
// its final message can say it after a restart too.
import { join } from 'node:path'
import type { GuardEvent } from '@shared/contract'
import { appendJsonLine, readJsonLines } from '../../fs/jsonl'

export const GUARD_FILE = 'guard.jsonl'

export function appendGuardEvent(runDir: string, event: GuardEvent): void {
  appendJsonLine(join(runDir, GUARD_FILE), event)
}

/** Events in the order they happened. */
export function readGuardEvents(runDir: string): GuardEvent[] {
  return readJsonLines<GuardEvent>(join(runDir, GUARD_FILE))
}
