// The domain side of the API: one function per contract method, over the workspace store. Input
// has already been validated by the contract's schemas (core/api/dispatch.ts); what is checked here
// is what only the database knows (does it exist, does it belong together). User errors are thrown
// as ApiFailure so both transports show the message.
import { randomInt } from 'node:crypto'
import type { Criterion, ImageSet, ImportReport, Job, Judgement, PairTask, Progress, Project, SetPair } from '@shared/contract'
import { ApiFailure, type CallContext, type Handlers } from '../dispatch'
import type { Workspace } from '../../store/open'
import { BrowseRefused, browseFolder } from '../../features/import/folder-browser'
import { RevealRefused, revealFile, type PickFolder, type RevealFile } from '../../fs/reveal'
import { AxisError } from '../../store/repos/axes'
import { publicJob } from '../../store/repos/jobs'
import { JudgementConflict, type StoredJudgement } from '../../store/repos/judgements'
import { SetMembershipError } from '../../store/repos/sets'
import { DuplicateProjectName } from '../../store/repos/projects'
import { pairOverviewRepo } from '../../store/repos/pair-overview'
import { imageQueryRepo } from '../../store/repos/image-query'
import type { AuditService } from '../../features/reports/service'
import type { EngineService } from '../../features/models'
import { createMcmcService } from '../../features/refinement/chain-service'
import { createTeamService, type TeamService } from '../../features/team/team-service'
import { engineHandlers } from './engine-handlers'
import { finetuneHandlers } from './finetune-handlers'
import { realFinetuneHandlers } from './real-finetune-handlers'
import { mcmcHandlers } from './mcmc-handlers'
import { sampleDistinct, seededRandom } from '../../random/rng'
import { reportHandlers } from './report-handlers'
import { sandbox1dHandlers } from './sandbox1d-handlers'
import { snapshotHandlers } from './snapshot-handlers'
import { housekeepingHandlers } from './housekeeping-handlers'
import type { ExportService } from '../../features/preference-data/export/export-service'
import { teamHandlers } from './team-handlers'
import { acquireClassifyHandlers } from './acquire-classify-handlers'
import type { AcquireService } from '../../features/preference-data/acquire/service'
import type { ClassifyService } from '../../classifier/classify-job'
import { workspaceHandlers, type WorkspaceMaintenance } from './workspace-handlers'

/** The import pipeline (core/features/import) as the API sees it. */
export interface ImportService {
  start(projectId: number, folder: string): Job
  report(jobId: number): ImportReport
}

/** The job runner (core/jobs) as the API sees it. */
export interface JobControl {
  cancel(jobId: number): Job
}

export interface HandlerDeps {
  ws: Workspace
  imports: ImportService
  jobs: JobControl
  /** Team annotation (routing, invites); made over `ws` when left out. Serve mode shares it to redeem invites. */
  team?: TeamService
  /** The diffusion engine (train/sample jobs); its methods answer 'not running' when left out. */
  engine?: EngineService
  /** Classification job and preference acquisition; their methods answer 'not running' when left out. */
  classify?: ClassifyService
  acquire?: AcquireService
  /** Exports for external trainers (a job kind); export.start answers 'not running' when left out. */
  exports?: ExportService
  /** Bias reports (audit jobs); report.* answer 'not running' when left out. */
  audit?: AuditService
  /** Folders files.browse may show (serve mode's folder picker; StudioConfig.browseRoots); none when left out. */
  browseRoots?: readonly string[]
  /** The desktop shell's "show in folder"; absent in serve mode, where files.reveal says where the file is. */
  reveal?: RevealFile
  /** The desktop shell's folder dialog; absent in serve mode, whose folder browser is files.browse. */
  pickFolder?: PickFolder
  /** The workspace's health and restore (core/studio.ts); workspace.restore answers 'not available' when left out. */
  maintenance?: WorkspaceMaintenance
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const { ws } = deps
  const team = deps.team ?? createTeamService(ws)
  // Chains that sample fresh proposals draw from the engine's model catalogue,
  // and the classifier judges read those fresh images with the classification service.
  const mcmc = createMcmcService(ws, {
    fresh: deps.engine ? { models: () => deps.engine!.models() } : undefined,
    classify: deps.classify ? (projectId, classifierId, imageIds) => deps.classify!.classifyImages(projectId, classifierId, imageIds) : undefined
  })

  const project = (projectId: number): Project => ws.projects.get(projectId) ?? notFound(`project ${projectId} does not exist`)
  const promptOf = (projectId: number, promptId: number) => {
    const prompt = ws.prompts.get(promptId)
    if (!prompt || prompt.projectId !== projectId) notFound(`prompt ${promptId} does not exist in project ${projectId}`)
    return prompt
  }
  const pairOverview = pairOverviewRepo(ws.db)
  const imageQuery = imageQueryRepo(ws.db)
  const job = (jobId: number) => ws.jobs.get(jobId) ?? notFound(`job ${jobId} does not exist`)
  const pair = (pairId: number): SetPair => ws.pairs.get(pairId) ?? notFound(`set pair ${pairId} does not exist`)
  // Under team routing, progress counts only the pairs routed to the caller.
  const progress = (ctx: CallContext, projectId: number, criterion: Criterion): Progress => team.progress(ctx.annotatorId, projectId, criterion)

  const createRandomSets = ws.db.transaction((projectId: number, promptId: number, k: number, count: number, seed: number): ImageSet[] => {
    const pool = ws.images.idsOfPrompt(promptId)
    if (pool.length < k) throw new ApiFailure('bad_request', `prompt ${promptId} has ${pool.length} image(s); a set of ${k} needs at least ${k}`)
    const random = seededRandom(seed)
    return Array.from({ length: count }, () => ws.sets.create(projectId, promptId, 'random', sampleDistinct(pool, k, random)))
  })

  return {
    'session.whoami': (_input, ctx) => {
      const annotator = ws.annotators.get(ctx.annotatorId)
      if (!annotator) throw new ApiFailure('unauthorized', 'this session belongs to an annotator that no longer exists')
      return { annotator, scope: ctx.scope }
    },

    'projects.list': (_input, ctx) => {
      const counts = ws.projectCounts.all(ctx.annotatorId)
      return ws.projects.list().map((p) => ({ ...p, counts: counts.get(p.id) ?? { images: 0, sets: 0, pairs: 0, labelledPairs: 0, importsRunning: 0, mine: { pairs: 0, labelledPairs: 0 } } }))
    },
    'projects.create': ({ name, description }) => {
      try {
        return ws.projects.create(name, description)
      } catch (err) {
        if (err instanceof DuplicateProjectName) throw new ApiFailure('conflict', err.message)
        throw err
      }
    },
    'projects.get': ({ projectId }) => project(projectId),

    'prompts.list': ({ projectId }) => {
      project(projectId)
      return ws.prompts.list(projectId)
    },
    'axes.list': ({ projectId }) => {
      project(projectId)
      return ws.axes.list(projectId)
    },
    'axes.save': ({ projectId, name, classes, ideal }) => {
      project(projectId)
      return userErrors(() => ws.axes.save(projectId, name, classes, ideal))
    },

    'images.list': ({ projectId, promptId, offset, limit, source, model, label }) => {
      project(projectId)
      if (promptId !== undefined) promptOf(projectId, promptId)
      if (source !== undefined || model !== undefined || label !== undefined) return imageQuery.list(projectId, { promptId, offset, limit, source, model, label })
      return ws.images.list(projectId, { promptId, offset, limit })
    },
    'images.facets': ({ projectId, promptId }) => {
      project(projectId)
      if (promptId !== undefined) promptOf(projectId, promptId)
      return imageQuery.facets(projectId, promptId)
    },
    'images.detail': ({ imageId }) => {
      const detail = imageQuery.detail(imageId)
      if (!detail || !ws.projects.get(detail.projectId)) notFound('this image does not exist (it may have been deleted)')
      const { projectId: _projectId, ...rest } = detail
      return rest
    },

    'import.start': ({ projectId, folder }) => {
      project(projectId)
      return deps.imports.start(projectId, folder)
    },
    'import.report': ({ jobId }) => {
      if (job(jobId).kind !== 'import') throw new ApiFailure('bad_request', `job ${jobId} is not an import`)
      return deps.imports.report(jobId)
    },
    'files.browse': ({ path }) => {
      try {
        return browseFolder(deps.browseRoots ?? [], path ?? null)
      } catch (err) {
        if (err instanceof BrowseRefused) throw new ApiFailure('bad_request', err.message)
        throw err
      }
    },
    'files.pickFolder': async ({ purpose }) => {
      if (!deps.pickFolder) throw new ApiFailure('bad_request', 'The system folder dialog is in the desktop app; in a browser, use Browse… to choose a folder')
      return { path: await deps.pickFolder(purpose) }
    },
    'files.reveal': ({ path }) => {
      try {
        revealFile(path, deps.reveal)
      } catch (err) {
        if (err instanceof RevealRefused) throw new ApiFailure('bad_request', err.message)
        throw err
      }
      return { revealed: true as const }
    },

    'jobs.list': ({ projectId }) => {
      if (projectId !== undefined) project(projectId)
      return ws.jobs.list(projectId).map(publicJob)
    },
    'jobs.get': ({ jobId }) => publicJob(job(jobId)),
    'jobs.cancel': ({ jobId }) => {
      job(jobId)
      return deps.jobs.cancel(jobId)
    },

    'sets.list': ({ projectId, promptId }) => {
      project(projectId)
      if (promptId !== undefined) promptOf(projectId, promptId)
      return ws.sets.list(projectId, promptId)
    },
    'sets.create': ({ projectId, promptId, imageIds }) => {
      project(projectId)
      promptOf(projectId, promptId)
      return userErrors(() => ws.sets.create(projectId, promptId, 'manual', imageIds))
    },
    'sets.createRandom': ({ projectId, promptId, k, count, seed }) => {
      project(projectId)
      promptOf(projectId, promptId)
      // Without a seed we still record nothing random-looking in the data: the sets themselves
      // are the record. A crypto seed keeps two unseeded calls from repeating each other.
      return userErrors(() => createRandomSets.immediate(projectId, promptId, k, count, seed ?? randomInt(0, 2 ** 47)))
    },

    'pairs.createAll': ({ projectId, promptId }) => {
      project(projectId)
      if (promptId !== undefined) promptOf(projectId, promptId)
      return ws.pairs.createAllMissing(projectId, promptId)
    },
    'pairs.list': ({ projectId }) => {
      project(projectId)
      return ws.pairs.list(projectId)
    },
    'pairs.overview': ({ projectId, pairIds, offset, limit }) => {
      project(projectId)
      return { total: ws.pairs.count(projectId), items: pairOverview.list(projectId, offset, limit, pairIds) }
    },

    'label.next': ({ projectId, criterion }, ctx): PairTask | null => {
      project(projectId)
      const pairId = team.nextPair(ctx.annotatorId, projectId, criterion)
      if (pairId === null) return null
      const p = pair(pairId)
      return {
        pair: p,
        promptText: ws.prompts.get(p.promptId)!.text,
        setA: ws.sets.get(p.setA)!,
        setB: ws.sets.get(p.setB)!,
        // Which set appears on the left is drawn fresh each time and recorded with the decision,
        // so position bias can be measured and cancelled.
        shownLeft: randomInt(2) === 0 ? 'a' : 'b',
        progress: progress(ctx, projectId, criterion)
      }
    },
    'label.judge': ({ pairId, criterion, choice, shownLeft, responseMs, idempotencyKey }, ctx) => {
      const p = pair(pairId)
      team.assertMayJudge(ctx.annotatorId, pairId)
      const { judgement } = userErrors(() => ws.judgements.record({ pairId, annotatorId: ctx.annotatorId, criterion, choice, shownLeft, responseMs, idempotencyKey }))
      return { judgement: publicJudgement(judgement), progress: progress(ctx, p.projectId, criterion) }
    },
    'label.undo': ({ projectId, criterion, judgementId }, ctx) => {
      project(projectId)
      const undone =
        judgementId === undefined
          ? ws.judgements.undoLatest(ctx.annotatorId, projectId, criterion)
          : (ws.judgements.undoOne(ctx.annotatorId, projectId, criterion, judgementId) ?? notFound(`decision ${judgementId} is not one of your ${criterion} decisions in project ${projectId}`))
      return { undone: undone && publicJudgement(undone), progress: progress(ctx, projectId, criterion) }
    },
    'label.progress': ({ projectId, criterion }, ctx) => {
      project(projectId)
      return progress(ctx, projectId, criterion)
    },

    ...mcmcHandlers(ws, mcmc),
    ...teamHandlers(team, () => randomInt(0, 2 ** 47)),
    ...sandbox1dHandlers(),
    ...engineHandlers(deps.engine),
    ...finetuneHandlers(deps.engine),
    ...realFinetuneHandlers(deps.engine),
    ...acquireClassifyHandlers(deps.classify, deps.acquire),
    ...snapshotHandlers(ws, deps.exports),
    ...housekeepingHandlers(ws),
    ...reportHandlers(deps.audit),
    ...workspaceHandlers(deps.maintenance)
  }
}

function notFound(message: string): never {
  throw new ApiFailure('not_found', message)
}

/** Turns the store's domain errors into failures the user sees; anything else stays internal. */
function userErrors<T>(fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof SetMembershipError || err instanceof AxisError) throw new ApiFailure('bad_request', err.message)
    if (err instanceof JudgementConflict) throw new ApiFailure('conflict', err.message)
    throw err
  }
}

function publicJudgement(j: StoredJudgement): Judgement {
  return {
    id: j.id,
    pairId: j.pairId,
    annotatorId: j.annotatorId,
    criterion: j.criterion,
    choice: j.choice,
    shownLeft: j.shownLeft,
    responseMs: j.responseMs,
    createdAt: j.createdAt
  }
}
