// What the owner's team screen shows for one project and criterion, loaded together so every panel
// describes the same moment: members, progress, agreement, the adjudication queue, bias, edits.
import type { Agreement, Criterion, Output, TeamMember } from '@shared/contract'
import type { AppStore } from './app.svelte'
import type { PanelError } from '../errors/panel-error.svelte'

export type ProgressRow = Output<'team.progress'>[number]
export type QueueItem = Output<'team.adjudicationQueue'>[number]
export type BiasRow = Output<'team.biasCheck'>[number]
export type EditRow = Output<'team.editTrail'>[number]

export class TeamStore {
  criterion = $state<Criterion>('fairness')
  members = $state<TeamMember[]>([])
  progress = $state<ProgressRow[]>([])
  agreement = $state<Agreement | null>(null)
  queue = $state<QueueItem[]>([])
  bias = $state<BiasRow[]>([])
  edits = $state<EditRow[]>([])
  loading = $state(false)
  loadedAt = $state<string | null>(null)

  /**
   * A failed load is shown in the panel it feeds (issue 10, item 5): the members list, the adjudication
   * queue, and the screen's toolbar for the read-only figures (progress, agreement, bias, edits).
   */
  readonly errors: { members: PanelError; queue: PanelError; figures: PanelError }

  constructor(
    private readonly app: AppStore,
    readonly projectId: number
  ) {
    this.errors = { members: app.panelError(), queue: app.panelError(), figures: app.panelError() }
  }

  load = async (): Promise<void> => {
    const { projectId, criterion } = this
    const api = this.app.api
    this.loading = true
    const [members, progress, agreement, queue, bias, edits] = await Promise.all([
      api.call('team.listAnnotators', {}),
      api.call('team.progress', { projectId, criterion }),
      api.call('team.agreement', { projectId, criterion }),
      api.call('team.adjudicationQueue', { projectId, criterion }),
      api.call('team.biasCheck', { projectId, criterion }),
      api.call('team.editTrail', { projectId })
    ])
    this.loading = false
    const { errors } = this
    if (errors.members.check(members)) this.members = members.value
    if (errors.queue.check(queue)) this.queue = queue.value
    // The figures share one note; it clears only when all of them loaded.
    const figures = [progress, agreement, bias, edits]
    const failed = figures.find((r) => !r.ok)
    if (failed) errors.figures.check(failed)
    else errors.figures.clear()
    if (progress.ok) this.progress = progress.value
    if (agreement.ok) this.agreement = agreement.value
    if (bias.ok) this.bias = bias.value
    if (edits.ok) this.edits = edits.value
    // A one-off timestamp turned into text at once; the Date itself is never read again.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    this.loadedAt = new Date().toLocaleTimeString()
  }

  nameOf = (annotatorId: number): string => this.members.find((m) => m.id === annotatorId)?.name ?? `annotator ${annotatorId}`
}
