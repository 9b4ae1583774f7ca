// Composition root: opens a workspace folder and builds everything both transports need (the API
// handlers, image lookup by id, token verification, pushed events). Electron's main process and the
// plain-Node serve entry both start here, so the desktop app and serve mode run the same core.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { EventName, EventPayload } from '@shared/contract'
import type { Handlers } from './api/dispatch'
import { openWorkspace, type Workspace } from './db/open'
import { acquireWorkspaceLock } from './db/workspace-lock'
import { createEngineService, type EngineServiceDeps } from './engine-service'
import { imagesRepo } from './db/repos/images'
import { createImportService, thumbsDirOf } from './import/import-service'
import { writeFileAtomicSync } from './fs/atomic-write'
import { createJobRunner, type JobRunner } from './jobs/runner'
import { defaultWorkspaceDir as workspaceDirFrom } from './serve/args'
import type { ImageFileLookup } from './serve/image-files'
import type { ImageAllowed, RedeemInvite } from './serve/server'
import type { VerifyToken } from './serve/sessions'
import { createHandlers } from './service/handlers'
import { allowsProject, withProjectScope } from './api/project-scope'
import { withDiskFullCheck } from './api/disk-full'
import { projectOfRepo } from './db/repos/project-of'
import { createAuditService } from './audit-service/service'
import { seedDemoProject } from './demo-seed'
import { createTeamService } from './team/team-service'
import { createClassifyService } from './classify-job/service'
import { createAcquireService } from './acquire/service'
import { createExportService } from './export/export-service'

export const WORKSPACE_DB_FILE = 'workspace.db'
export const OWNER_TOKEN_FILE = 'owner-token'

export type StudioEventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void

export interface Studio {
  readonly workspaceDir: string
  readonly workspace: Workspace
  readonly handlers: Handlers
  readonly imageFile: ImageFileLookup
  /** Whether the caller may see image `id`: an invited annotator only their projects' images. */
  readonly imageAllowed: ImageAllowed
  readonly verifyToken: VerifyToken
  /** Spends a one-time invite code and returns the annotator's new labelling-only token. */
  readonly redeemInvite: RedeemInvite
  /** The owner's access token (full scope); kept in `<workspace>/owner-token`, mode 0600. */
  readonly ownerToken: string
  /** Subscribes to pushed events (job progress); returns the unsubscribe function. */
  onEvent(listener: StudioEventListener): () => void
  /** Stops jobs at their next safe point (they resume on the next start) and closes the database. */
  close(): Promise<void>
}

/** $POPALIGN_WORKSPACE or ~/.popalign-studio. */
export function defaultWorkspaceDir(): string {
  return workspaceDirFrom(process.env, homedir())
}

/** Engine settings tests and embedders may change (base model folder, worker script, sampling backend). */
export type StudioEngineOptions = Partial<Pick<EngineServiceDeps, 'baseModelDir' | 'workerPath' | 'progressIntervalMs' | 'sampleChunk' | 'samplePrefer'>>

export interface OpenStudioOptions {
  workspaceDir: string
  log?: (line: string) => void
  engine?: StudioEngineOptions
  /** Folder of the shipped world sample, classifier and base model; when set, a new workspace gets the demo project. */
  demoResourcesDir?: string
}

export async function openStudio(opts: OpenStudioOptions): Promise<Studio> {
  const log = opts.log ?? ((line: string) => console.warn(line))
  const workspaceDir = opts.workspaceDir
  // 0700: the folder holds the database and the owner token.
  mkdirSync(workspaceDir, { recursive: true, mode: 0o700 })
  // Before anything is read or resumed: a second process on the same folder is refused here, with
  // the holder's pid (issue 11, finding 5).
  const lock = acquireWorkspaceLock(workspaceDir)
  let workspace: Workspace
  try {
    workspace = openWorkspace(join(workspaceDir, WORKSPACE_DB_FILE))
  } catch (err) {
    lock.release()
    throw err
  }

  const listeners = new Set<StudioEventListener>()
  const fanOut: StudioEventListener = (name, payload) => {
    for (const listener of listeners) {
      try {
        listener(name, payload)
      } catch (err) {
        log(`event listener failed: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
  }
  let runner: JobRunner
  try {
    runner = createJobRunner({ db: workspace.db, log, onEvent: fanOut })
  } catch (err) {
    workspace.close()
    lock.release()
    throw err
  }
  const imports = createImportService({ ws: workspace, runner, workspaceDir })
  const engine = createEngineService({ ...opts.engine, ws: workspace, runner, workspaceDir, emit: (job) => fanOut('job.progress', job), log })
  const team = createTeamService(workspace)
  const classify = createClassifyService({ ws: workspace, runner })
  const acquire = createAcquireService({ ws: workspace, runner, classify, workspaceDir })
  const exports = createExportService({ ws: workspace, runner })
  // Bias reports sample their models through the engine's sampling jobs (issue 5).
  const audit = createAuditService({ ws: workspace, runner, workspaceDir, sampler: { start: (req) => engine.sample.start(req), results: (id) => engine.sample.results(id), models: () => engine.models() } })
  // Every call of an invited annotator is checked against the projects of their invite (finding 6).
  const projectOf = projectOfRepo(workspace.db)
  const handlers = withDiskFullCheck(withProjectScope(createHandlers({ ws: workspace, imports, jobs: runner, engine, team, classify, acquire, exports, audit }), projectOf), workspaceDir)
  // Thumbnails are served from the folder the import pipeline writes them to, and nowhere else.
  const images = imagesRepo(workspace.db, thumbsDirOf(workspaceDir))
  const ownerToken = ownerTokenOf(workspaceDir, workspace)
  // Jobs left running by a killed process carry on, now that every kind is registered.
  runner.resumePending()
  if (opts.demoResourcesDir) seedDemoProject({ ws: workspace, workspaceDir, resourcesDir: opts.demoResourcesDir, imports })

  let closed = false
  return {
    workspaceDir,
    workspace,
    handlers,
    imageFile: (id, variant) => images.imageFile(id, variant),
    imageAllowed: (who, id) => allowsProject(who, projectOf.image(id)),
    verifyToken: (token) => workspace.tokens.verify(token),
    redeemInvite: (code) => team.redeemInvite(code),
    ownerToken,
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async close() {
      if (closed) return
      closed = true
      listeners.clear()
      await runner.shutdown()
      workspace.close()
      lock.release()
    }
  }
}

/**
 * The owner token kept in the workspace folder (as VS Code keeps its connection token), so the
 * printed address stays the same across restarts. A missing, unreadable or revoked token is
 * replaced by a fresh one. Only the token's digest is in the database.
 */
function ownerTokenOf(workspaceDir: string, ws: Workspace): string {
  const file = join(workspaceDir, OWNER_TOKEN_FILE)
  if (existsSync(file)) {
    const saved = readFileSync(file, 'utf8').trim()
    if (ws.tokens.verify(saved)?.scope === 'owner') return saved
  }
  const token = ws.tokens.create(ws.annotators.owner().id, 'owner')
  writeFileAtomicSync(file, Buffer.from(token + '\n'), { mode: 0o600 })
  return token
}
