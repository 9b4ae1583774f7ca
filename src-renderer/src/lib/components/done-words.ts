// What a rename or delete says once it is done (issue 10, housekeeping): one sentence next to the
// control, in the same words as the question the delete asked before (housekeeping.impact).
import type { HousekeepingImpact } from '@shared/contract'

/** "Deleted Set 3. Removed the set, 2 unlabelled pairs it is in; kept its images." */
export function deletedSentence(label: string, impact: Pick<HousekeepingImpact, 'removes' | 'keeps'>): string {
  const removed = impact.removes.length > 0 ? ` Removed ${impact.removes.join(', ')}` : ''
  const kept = impact.keeps.length > 0 ? `${removed ? '; kept' : ' Kept'} ${impact.keeps.join('; ')}` : ''
  return `Deleted ${label}.${removed}${kept}${removed || kept ? '.' : ''}`
}

/** "Renamed to “tone”." or, for a name cleared back to the default, "Name cleared: shown as its number." */
export function renamedSentence(name: string | null, emptyMeans: string): string {
  return name === null ? `Name cleared: shown as ${emptyMeans}.` : `Renamed to “${name}”.`
}
