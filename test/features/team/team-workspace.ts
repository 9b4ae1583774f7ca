// The workspace the team tests share: a real workspace behind the real dispatcher and handlers (outputs
// checked against the contract), one project with 12 images of "a doctor", 5 random sets of 2 and all
// 10 pairs between them; `call` speaks as the owner unless given another caller. A fresh one per test.
import { afterEach, beforeEach } from 'vitest'
import type { MethodName, Output, TeamMember } from '@shared/contract'
import type { CallContext } from '../../../src-main/core/api/dispatch'
import type { Workspace } from '../../../src-main/core/store/open'
import { apiCallers, workspaceOnlyHandlers } from '../../api/handlers/workspace-handlers'
import { addImages, openTempWorkspace } from '../../store/fixtures'

export interface TeamWorkspace {
  ws: Workspace
  projectId: number
  call<M extends MethodName>(method: M, payload: unknown, ctx?: CallContext): Promise<Output<M>>
  /** An invited annotator's caller context. */
  as(annotatorId: number): CallContext
  /** Creates `n` annotators, "annotator 1" .. "annotator n". */
  team(n: number): Promise<TeamMember[]>
  dispose(): void
}

export async function openTeamWorkspace(): Promise<TeamWorkspace> {
  const t = openTempWorkspace()
  const ws = t.ws
  const api = workspaceOnlyHandlers(ws)
  const { call } = apiCallers(() => api)
  const team = async (n: number): Promise<TeamMember[]> => {
    const people: TeamMember[] = []
    for (let i = 0; i < n; i++) people.push(await call('team.createAnnotator', { name: `annotator ${i + 1}` }))
    return people
  }
  const projectId = (await call('projects.create', { name: 'P' })).id
  const prompt = ws.prompts.ensure({ projectId, text: 'a doctor' })
  addImages(ws, projectId, prompt.id, 12)
  await call('sets.createRandom', { projectId, promptId: prompt.id, k: 2, count: 5, seed: 3 })
  await call('pairs.createAll', { projectId }) // 10 pairs
  return { ws, projectId, call, as: (id) => ({ annotatorId: id, scope: 'annotate' }), team, dispose: () => t.dispose() }
}

/**
 * A fresh team workspace for every test of the calling describe block (its own beforeEach/afterEach):
 * `call`, `as` and `team` reach the current one; `current()` gives its workspace and project.
 */
export function teamWorkspaceEachTest(): Pick<TeamWorkspace, 'call' | 'as' | 'team'> & { current(): TeamWorkspace } {
  let now: TeamWorkspace | null = null
  beforeEach(async () => {
    now = await openTeamWorkspace()
  })
  afterEach(() => {
    now?.dispose()
    now = null
  })
  const current = (): TeamWorkspace => {
    if (!now) throw new Error('the team workspace exists only while a test runs')
    return now
  }
  return {
    current,
    call: (method, payload, ctx) => current().call(method, payload, ctx),
    as: (id) => current().as(id),
    team: (n) => current().team(n)
  }
}
