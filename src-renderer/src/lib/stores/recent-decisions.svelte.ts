// The signed-in person's own recent decisions on a project (label.recent), which they may change
// (label.edit); the server keeps the old choice in the audit trail. Choices are shown on the side
// the set was shown on at the time, the frame the person decided in.
import type { Choice, Criterion, Output } from '@shared/contract'
import type { ApiClient } from '../api'
import type { ScreenChoice } from '../label-keys'
import { choiceForScreen, describeChoice } from '../sides'
import { userMessage } from '../errors/wording'

export type RecentDecision = Output<'label.recent'>[number]

/** The screen side (or tie / can't judge) a stored a/b choice meant when it was made. */
export function screenChoiceOf(choice: Choice, shownLeft: 'a' | 'b'): ScreenChoice {
  if (choice === 'tie' || choice === 'cant_judge') return choice
  return choice === shownLeft ? 'left' : 'right'
}

export class RecentDecisions {
  items = $state<RecentDecision[]>([])
  loading = $state(false)
  error = $state<string | null>(null)
  /** The judgement being changed right now (its buttons are disabled until the server answers). */
  editing = $state<number | null>(null)

  constructor(
    private readonly api: ApiClient,
    readonly projectId: number,
    private readonly criterion: Criterion = 'fairness'
  ) {}

  load = async (): Promise<void> => {
    this.loading = true
    const result = await this.api.call('label.recent', { projectId: this.projectId, criterion: this.criterion, limit: 20 })
    this.loading = false
    if (!result.ok) {
      this.error = userMessage(result.error)
      return
    }
    this.error = null
    this.items = result.value
  }

  /** Changes one decision; returns the sentence to announce. */
  change = async (item: RecentDecision, to: ScreenChoice): Promise<string> => {
    if (this.editing !== null) return ''
    this.editing = item.id
    const result = await this.api.call('label.edit', { judgementId: item.id, choice: choiceForScreen(item.shownLeft, to) })
    this.editing = null
    if (!result.ok) {
      this.error = userMessage(result.error)
      return `Not changed: ${userMessage(result.error)}`
    }
    this.error = null
    await this.load()
    return result.value.edited ? `Pair ${item.pairId} changed to: ${describeChoice(to)}. Saved.` : `Pair ${item.pairId} already had that answer.`
  }
}
