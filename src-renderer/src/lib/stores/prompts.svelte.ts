// The prompts of a project, with the selected one; shared by the Browse and Sets screens. It follows
// the project's imports (and other jobs that add images) so a list opened before one ended catches up.
import type { Prompt } from '@shared/contract'
import type { AppStore } from './app.svelte'
import type { PanelError } from '../errors/panel-error.svelte'
import { IMAGE_MAKING_JOBS, onProjectJobEnd } from './project-jobs'

export class PromptsStore {
  prompts = $state<Prompt[]>([])
  selectedId = $state<number | null>(null)
  loaded = $state(false)
  /** Counts the project's import, sampling and acquisition jobs that ended since the screen opened: what shows their images reloads on it. */
  jobsEnded = $state(0)
  readonly selected = $derived(this.prompts.find((p) => p.id === this.selectedId) ?? null)
  /** A failed load is shown in the prompt list's panel, not app-wide (issue 10, item 5). */
  readonly error: PanelError

  constructor(
    private readonly app: AppStore,
    readonly projectId: number
  ) {
    this.error = app.panelError()
  }

  load = async (): Promise<void> => {
    const result = await this.app.api.call('prompts.list', { projectId: this.projectId })
    this.loaded = true
    if (!this.error.check(result)) return
    this.prompts = result.value
    if (this.selectedId === null || !this.prompts.some((p) => p.id === this.selectedId)) this.selectedId = this.prompts[0]?.id ?? null
  }

  /** Reloads the prompts whenever a job that adds prompts or images ends; returns the unsubscribe, for an $effect. */
  follow = (): (() => void) =>
    onProjectJobEnd(this.app.api, this.projectId, IMAGE_MAKING_JOBS, () => {
      this.jobsEnded++
      void this.load()
    })
}
