// App-wide state: who is signed in, the project list, the current route and the error notices.
import type { ApiError, Project, Result, Session } from '@shared/contract'
import type { ApiClient } from '../api'
import { annotatorScreens, formatRoute, parseRoute, type Route } from '../route'

export interface Notice {
  id: number
  message: string
}

export class AppStore {
  session = $state<Session | null>(null)
  sessionError = $state<string | null>(null)
  projects = $state<Project[]>([])
  route = $state<Route>({ screen: 'projects' })
  notices = $state<Notice[]>([])
  private nextNoticeId = 1

  readonly projectId = $derived('projectId' in this.route ? this.route.projectId : null)
  readonly project = $derived(this.projects.find((p) => p.id === this.projectId) ?? null)
  readonly isOwner = $derived(this.session?.scope === 'owner')

  constructor(readonly api: ApiClient) {}

  init = async (hash: string): Promise<void> => {
    this.route = parseRoute(hash)
    const who = await this.api.call('session.whoami', {})
    if (!who.ok) {
      this.sessionError = who.error.message
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
    this.route = this.session && !this.isOwner && !annotatorScreens.has(route.screen) ? { screen: 'projects' } : route
  }

  href = (route: Route): string => formatRoute(route)

  /** Shows an API error to the user; returns true when the result is ok (narrowing it). */
  check = <T>(result: Result<T>): result is { ok: true; value: T } => {
    if (result.ok) return true
    this.report(result.error)
    return false
  }

  report = (error: ApiError | string): void => {
    const message = typeof error === 'string' ? error : error.message
    this.notices = [...this.notices.slice(-4), { id: this.nextNoticeId++, message }]
  }

  dismiss = (id: number): void => {
    this.notices = this.notices.filter((n) => n.id !== id)
  }
}
