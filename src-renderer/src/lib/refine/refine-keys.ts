// Keyboard map of the refinement screen (paper App. B: accept / reject / stop). Pure, so unit-tested.
import type { KeyLike } from '../label-keys'

export type RefineAction = { kind: 'decide'; decision: 'accept' | 'reject' | 'stop' } | { kind: 'tally' } | { kind: 'help' }

export const refineKeyHelp: ReadonlyArray<{ keys: string[]; action: string }> = [
  { keys: ['y'], action: 'Accept the swap (the proposed set looks fairer)' },
  { keys: ['n'], action: 'Reject the swap (keep the current set)' },
  { keys: ['Esc'], action: 'Stop the chain and keep the current set (closes an open panel first)' },
  { keys: ['t'], action: 'Show or hide the attribute tally' },
  { keys: ['?'], action: 'Show or hide these keys' }
]

export function refineActionForKey(event: KeyLike): RefineAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null
  switch (event.key) {
    case 'y':
    case 'Y':
      return { kind: 'decide', decision: 'accept' }
    case 'n':
    case 'N':
      return { kind: 'decide', decision: 'reject' }
    case 'Escape':
      return { kind: 'decide', decision: 'stop' }
    case 't':
      return { kind: 'tally' }
    case '?':
      return { kind: 'help' }
    default:
      return null
  }
}
