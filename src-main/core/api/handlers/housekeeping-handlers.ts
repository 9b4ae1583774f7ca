// API handlers of renames and deletes (issue 10, housekeeping): thin over core/features/housekeeping, which
// owns the rules; the caller's annotator is who the housekeeping log names.
import { dirname } from 'node:path'
import type { Handlers } from '../dispatch'
import type { Workspace } from '../../store/open'
import { createHousekeeping } from '../../features/housekeeping/service'

type Methods =
  | 'housekeeping.impact'
  | 'housekeeping.log'
  | 'projects.rename'
  | 'projects.delete'
  | 'prompts.rename'
  | 'prompts.delete'
  | 'sets.rename'
  | 'sets.delete'
  | 'runs.rename'
  | 'runs.delete'
  | 'pairs.delete'
  | 'axes.rename'
  | 'axes.delete'
  | 'report.rename'
  | 'report.delete'
  | 'team.renameAnnotator'
  | 'team.deleteAnnotator'

const ok = { ok: true } as const

export function housekeepingHandlers(ws: Workspace): Pick<Handlers, Methods> {
  // The database lives in the workspace folder, next to runs/ (core/studio.ts).
  const h = createHousekeeping(ws, { workspaceDir: dirname(ws.file) })
  return {
    'housekeeping.impact': ({ entity, id }) => h.impact(entity, id),
    'housekeeping.log': ({ projectId }) => h.log(projectId),
    'projects.rename': ({ projectId, name }, ctx) => h.renameProject(projectId, name, ctx.annotatorId),
    'projects.delete': ({ projectId }, ctx) => (h.deleteProject(projectId, ctx.annotatorId), ok),
    'prompts.rename': ({ promptId, text }, ctx) => h.renamePrompt(promptId, text, ctx.annotatorId),
    'prompts.delete': ({ promptId }, ctx) => (h.deletePrompt(promptId, ctx.annotatorId), ok),
    'sets.rename': ({ setId, name }, ctx) => h.renameSet(setId, name, ctx.annotatorId),
    'sets.delete': ({ setId }, ctx) => (h.deleteSet(setId, ctx.annotatorId), ok),
    'runs.rename': ({ runId, name }, ctx) => (h.renameRun(runId, name, ctx.annotatorId), ok),
    'runs.delete': ({ runId }, ctx) => (h.deleteRun(runId, ctx.annotatorId), ok),
    'pairs.delete': ({ pairId }, ctx) => (h.deletePair(pairId, ctx.annotatorId), ok),
    'axes.rename': ({ axisId, name }, ctx) => h.renameAxis(axisId, name, ctx.annotatorId),
    'axes.delete': ({ axisId }, ctx) => (h.deleteAxis(axisId, ctx.annotatorId), ok),
    'report.rename': ({ reportId, name }, ctx) => (h.renameReport(reportId, name, ctx.annotatorId), ok),
    'report.delete': ({ reportId }, ctx) => (h.deleteReport(reportId, ctx.annotatorId), ok),
    'team.renameAnnotator': ({ annotatorId, name }, ctx) => h.renameAnnotator(annotatorId, name, ctx.annotatorId),
    'team.deleteAnnotator': ({ annotatorId }, ctx) => (h.deleteAnnotator(annotatorId, ctx.annotatorId), ok)
  }
}
