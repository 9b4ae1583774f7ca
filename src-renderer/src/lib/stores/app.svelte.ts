// App-wide state: who is signed in, the project list, the current route and the error notices.
import type { ApiError, ProjectCard, Result, Session, WorkspaceHealthReport } from '@shared/contract'
import type { ApiClient } from '../api'
import { userMessage, type WordingOptions } from '../errors/wording'
import { PanelError } from '../errors/panel-error.svelte'
import { annotatorScreens, formatRoute, parseRoute, type Route } from '../route'

export interface Notice {
  id: number
  message: string
}

export class AppStore {
  session = $state<Session | null>(null)
  sessionError = $state<string | null>(null)
  projects = $state<ProjectCard[]>([])
  route = $state<Route>({ screen: 'projects' })
  notices = $state<Notice[]>([])
  /**
   * Set when the server says the workspace database is damaged (issue 11, finding 9): the app then
   * shows one panel with the problem and the way out instead of every screen failing in turn.
   */
  damage = $state<WorkspaceHealthReport | null>(null)
  restoring = $state(false)
  private nextNoticeId = 1

  readonly projectId = $derived('projectId' in this.route ? this.route.projectId : null)
  readonly project = $derived(this.projects.find((p) => p.id === this.projectId) ?? null)
  readonly isOwner = $derived(this.session?.scope === 'owner')

  constructor(readonly api: ApiClient) {}

  init = async (hash: string): Promise<void> => {
    this.route = parseRoute(hash)
    const who = await this.api.call('session.whoami', {})
    if (!who.ok) {
      if (who.error.code === 'workspace_damaged') return this.enterDamaged(who.error)
      this.sessionError = userMessage(who.error)
      return
    }
    this.session = who.value
    // The opened address is checked like a followed one: annotators never land on owner screens.
    // (this.route, not `hash`: the address may have changed while whoami was on its way.)
    if (!this.isOwner && !annotatorScreens.has(this.route.screen)) this.route = { screen: 'projects' }
    await this.refreshProjects()
  }

  refreshProjects = async (): Promise<void> => {
    const list = await this.api.call('projects.list', {})
    if (this.check(list)) this.projects = list.value
  }

  /** Follows a hash change; screens the session may not open fall back to the project list. */
  follow = (hash: string): void => {
    const route = parseRoute(hash)
    // Notices belong to the screen that raised them (issue 10, item 5): none follows the user elsewhere.
    if (formatRoute(route) !== formatRoute(this.route)) this.notices = []
    this.route = this.session && !this.isOwner && !annotatorScreens.has(route.screen) ? { screen: 'projects' } : route
  }

  href = (route: Route): string => formatRoute(route)

  /** Shows an API error to the user; returns true when the result is ok (narrowing it). */
  check = <T>(result: Result<T>): result is { ok: true; value: T } => {
    if (result.ok) return true
    this.report(result.error)
    return false
  }

  /** A panel's own error (errors/panel-error.svelte.ts) that still hands a damaged workspace to the app. */
  panelError = (wording: WordingOptions = {}): PanelError => new PanelError(wording, (error) => void this.enterDamaged(error))

  report = (error: ApiError | string): void => {
    if (typeof error !== 'string' && error.code === 'workspace_damaged') {
      void this.enterDamaged(error)
      return
    }
    const message = userMessage(error)
    this.notices = [...this.notices.slice(-4), { id: this.nextNoticeId++, message }]
  }

  /** Switches to the damaged panel; the health report adds the backups (owner only). */
  enterDamaged = async (error: ApiError): Promise<void> => {
    this.damage ??= { damaged: true, message: error.message, backups: [], canRestore: false }
    this.notices = []
    const health = await this.api.call('workspace.health', {})
    if (health.ok && health.value.damaged) this.damage = health.value
  }

  /** Owner only: restores the newest backup, then starts the app again on the restored workspace. */
  restore = async (backup = 'latest'): Promise<void> => {
    this.restoring = true
    try {
      const result = await this.api.call('workspace.restore', { backup })
      if (!result.ok) {
        if (this.damage) this.damage = { ...this.damage, message: result.error.message }
        return
      }
      this.damage = null
      this.session = null
      await this.init(formatRoute(this.route))
      this.report(`Workspace restored from ${result.value.restoredFrom}. The damaged files were kept in ${result.value.keptAsideIn ?? 'place'}.`)
    } finally {
      this.restoring = false
    }
  }

  dismiss = (id: number): void => {
    this.notices = this.notices.filter((n) => n.id !== id)
  }
}
