// The server draws which set of a pair is shown on the left and records it with the decision.
// Decisions are stored relative to the pair (a/b), never relative to screen sides; these two
// functions are the only place where the two frames meet.
import type { Choice, SetSide } from '@shared/contract'
import type { ScreenChoice } from './label-keys'

export function setOnSide(shownLeft: SetSide, side: 'left' | 'right'): SetSide {
  if (side === 'left') return shownLeft
  return shownLeft === 'a' ? 'b' : 'a'
}

export function choiceForScreen(shownLeft: SetSide, choice: ScreenChoice): Choice {
  if (choice === 'tie' || choice === 'cant_judge') return choice
  return setOnSide(shownLeft, choice)
}

/** Words for the aria-live announcement and the history line. */
export function describeChoice(choice: ScreenChoice): string {
  switch (choice) {
    case 'left':
      return 'Left set chosen'
    case 'right':
      return 'Right set chosen'
    case 'tie':
      return 'Tie'
    case 'cant_judge':
      return "Can't judge"
  }
}
