// Keyboard map of the labelling screen. Pure, so the whole table is unit-tested.
export type ScreenChoice = 'left' | 'right' | 'tie' | 'cant_judge'
export type LabelAction = { kind: 'choose'; choice: ScreenChoice } | { kind: 'undo' } | { kind: 'help' } | { kind: 'history' }

export interface KeyLike {
  key: string
  ctrlKey?: boolean
  metaKey?: boolean
  altKey?: boolean
}

/** Rows of the `?` help panel, in the order shown. Buttons use the same labels. */
export const keyHelp: ReadonlyArray<{ keys: string[]; action: string }> = [
  { keys: ['←', '1'], action: 'Left set is fairer' },
  { keys: ['→', '2'], action: 'Right set is fairer' },
  { keys: ['='], action: 'Tie' },
  { keys: ['0'], action: "Can't judge" },
  { keys: ['Backspace'], action: 'Undo the last decision' },
  { keys: ['h'], action: 'Show or hide your recent decisions (to change one)' },
  { keys: ['?'], action: 'Show or hide these keys' },
  { keys: ['Esc'], action: 'Close the open panel' }
]

/** Maps a key press to a labelling action, or null when the key is not ours (then the browser keeps it). */
export function labelActionForKey(event: KeyLike): LabelAction | null {
  // Leave browser and OS shortcuts (Ctrl+1 switches tabs, Alt+← goes back) alone.
  if (event.ctrlKey || event.metaKey || event.altKey) return null
  switch (event.key) {
    case 'ArrowLeft':
    case '1':
      return { kind: 'choose', choice: 'left' }
    case 'ArrowRight':
    case '2':
      return { kind: 'choose', choice: 'right' }
    case '=':
      return { kind: 'choose', choice: 'tie' }
    case '0':
      return { kind: 'choose', choice: 'cant_judge' }
    case 'Backspace':
      return { kind: 'undo' }
    case '?':
      return { kind: 'help' }
    case 'h':
      return { kind: 'history' }
    default:
      return null
  }
}

/** True when the key press comes from a text field, where keys must type rather than label. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).tagName !== 'string') return false
  const el = target as HTMLElement
  const tag = el.tagName.toLowerCase()
  if (tag === 'textarea' || tag === 'select') return true
  if (tag === 'input') {
    const type = ((el as HTMLInputElement).type || 'text').toLowerCase()
    return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range'].includes(type)
  }
  return el.isContentEditable === true
}
