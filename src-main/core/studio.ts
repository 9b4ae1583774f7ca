// Composition root: opens a workspace folder and builds everything both transports need (the API
// handlers, image lookup by id, token verification, pushed events). Electron's main process and the
// plain-Node serve entry both start here, so the desktop app and serve mode run the same core.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { methodNames, type EventName, type EventPayload, type MethodName } from '@shared/contract'
import { ApiFailure, dispatch, type CallContext, type Handlers } from './api/dispatch'
import { withDamageCheck } from './api/damage-check'
import { damagedMessage, WorkspaceHealth } from './store/damage'
import { listBackups, scheduleDailyBackups, takeBackup, type BackupEntry } from './store/daily-backup'
import { backupRefusal, pickBackup, restoreFromBackup, RestoreError } from './store/restore'
import { openWorkspace, type Workspace } from './store/open'
import { acquireWorkspaceLock } from './store/workspace-lock'
import { createEngineService, type EngineServiceDeps } from './features/models'
import { imagesRepo } from './store/repos/images'
import { createImportService, thumbsDirOf } from './features/import/import-service'
import { writeFileAtomicSync } from './fs/atomic-write'
import type { PickFolder, RevealFile } from './fs/reveal'
import { createJobRunner, type JobRunner } from './jobs/runner'
import type { ImageFileLookup } from './serve/image-files'
import type { ImageAllowed, RedeemInvite } from './serve/server'
import { secretsEqual, type Principal, type VerifyToken } from './serve/sessions'
import { createHandlers } from './api/handlers/handlers'
import { workspaceHandlers, type WorkspaceMaintenance } from './api/handlers/workspace-handlers'
import { allowsProject, withProjectScope } from './api/project-scope'
import { withDiskFullCheck } from './api/disk-full'
import { projectOfRepo } from './store/repos/project-of'
import { createAuditService } from './features/reports/service'
import { keepDemoReadying, seedDemoProject, type DemoReadying } from './demo-seed'
import { createTeamService } from './features/team/team-service'
import { createClassifyService } from './classifier/classify-job'
import { createAcquireService, defaultResolveModel } from './features/preference-data/acquire/service'
import { createExportService } from './features/preference-data/export/export-service'
import type { StudioConfig } from './config'

export const WORKSPACE_DB_FILE = 'workspace.db'
/** What a caller other than the owner is told while the workspace is damaged (their token cannot be checked). */
export const DAMAGED_FOR_OTHERS = "the studio's workspace is damaged and cannot check your access; the studio's owner has to restore it from a backup"

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

/** Engine settings tests and embedders may change (base model folder, worker script, sampling backend). */
export type StudioEngineOptions = Partial<Pick<EngineServiceDeps, 'baseModelDir' | 'workerPath' | 'progressIntervalMs' | 'sampleChunk' | 'samplePrefer'>>

export interface OpenStudioOptions {
  workspaceDir: string
  log?: (line: string) => void
  engine?: StudioEngineOptions
  /** Folder of the shipped world sample, classifier and base model; when set, a new workspace gets the demo project. */
  demoResourcesDir?: string
  /**
   * Resources folder, export and browse roots, managed Python venv: decided once by the entry point
   * (configFromEnvironment in core/config.ts) and handed to every service that needs one of them.
   */
  config: StudioConfig
  /** The desktop shell's "show in folder" (files.reveal); serve mode has none. */
  revealFile?: RevealFile
  /** The desktop shell's folder dialog (files.pickFolder); serve mode has none. */
  pickFolder?: PickFolder
}

export async function openStudio(opts: OpenStudioOptions): Promise<Studio> {
  const log = opts.log ?? ((line: string) => console.warn(line))
  const workspaceDir = opts.workspaceDir
  const dbFile = join(workspaceDir, WORKSPACE_DB_FILE)
  // 0700: the folder holds the database and the owner token.
  mkdirSync(workspaceDir, { recursive: true, mode: 0o700 })
  // Before anything is read or resumed: a second process on the same folder is refused here, with
  // the holder's pid (issue 11, finding 5). Held across a restore, released at close.
  const lock = acquireWorkspaceLock(workspaceDir)

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

  // The open workspace and everything built over it. A restore closes it and opens a new one; the
  // studio's handlers and lookups always reach the current one.
  let core: StudioCore
  const maintenance: WorkspaceMaintenance = {
    health: (ctx) => {
      const damage = core.health.damage
      return {
        damaged: damage !== null,
        message: damage ? damagedMessage(dbFile, damage, listBackups(dbFile)[0]?.file ?? null) : null,
        backups: ctx.scope === 'owner' ? listBackups(dbFile) : [],
        canRestore: ctx.scope === 'owner'
      }
    },
    backup: async () => {
      if (core.health.damage) throw new ApiFailure('workspace_damaged', damagedMessage(dbFile, core.health.damage, listBackups(dbFile)[0]?.file ?? null))
      try {
        return await takeBackup(core.workspace.db, dbFile)
      } catch (err) {
        // A copy that fails its check means the database itself is damaged.
        throw new ApiFailure('internal', err instanceof Error ? err.message : String(err))
      }
    },
    restore: async (choice) => {
      if (!core.health.damage) throw new ApiFailure('conflict', 'the workspace is not damaged; restoring a backup would throw away every change made since it was taken')
      const backup = pickOrRefuse(dbFile, choice)
      // Everything that can be checked is checked while the workspace is still open.
      const refusal = backupRefusal(backup)
      if (refusal) throw new ApiFailure('bad_request', refusal)
      await core.close()
      try {
        const result = restoreFromBackup(dbFile, backup)
        core = await openCore({ ...opts, log }, fanOut, maintenance)
        log(`workspace restored from ${result.restoredFrom}; the damaged files are in ${result.keptAsideIn ?? '(none)'}`)
        return result
      } catch (err) {
        // Closed and not reopened: every call says so (a second restore may still be tried).
        const detail = `the restore from ${backup.file} did not finish (${err instanceof Error ? err.message : String(err)})`
        core = brokenCore(core, detail, maintenance)
        throw new ApiFailure('workspace_damaged', damagedMessage(dbFile, core.health.damage!, backup.file))
      }
    }
  }
  try {
    core = await openCore({ ...opts, log }, fanOut, maintenance)
  } catch (err) {
    lock.release()
    throw err
  }

  // Stable objects over the current core: the transports take them once, at start.
  const handlers = Object.fromEntries(
    (Object.keys(core.handlers) as MethodName[]).map((name) => [name, (input: unknown, ctx: CallContext) => (core.handlers[name] as (i: unknown, c: CallContext) => unknown)(input, ctx)])
  ) as unknown as Handlers

  let closed = false
  return {
    workspaceDir,
    get workspace() {
      return core.workspace
    },
    handlers,
    imageFile: (id, variant) => core.guard(() => core.images.imageFile(id, variant)),
    imageAllowed: (who, id) => core.guard(() => allowsProject(who, core.projectOf.image(id))),
    verifyToken: (token) => core.verifyToken(token),
    redeemInvite: (code) => core.guard(() => core.team.redeemInvite(code)),
    get ownerToken() {
      return core.ownerToken
    },
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async close() {
      if (closed) return
      closed = true
      listeners.clear()
      await core.close()
      lock.release()
    }
  }
}

function pickOrRefuse(dbFile: string, choice: string): BackupEntry {
  try {
    return pickBackup(dbFile, choice)
  } catch (err) {
    if (err instanceof RestoreError) throw new ApiFailure('bad_request', err.message)
    throw err
  }
}

/** What is left when a restore closed the workspace and could not open it again: every call says so. */
function brokenCore(previous: StudioCore, detail: string, maintenance: WorkspaceMaintenance): StudioCore {
  const health = new WorkspaceHealth()
  health.mark(detail)
  const message = (): string => damagedMessage(previous.workspace.file, health.damage!, listBackups(previous.workspace.file)[0]?.file ?? null)
  const refuse = (): never => {
    throw new ApiFailure('workspace_damaged', message())
  }
  const handlers = { ...Object.fromEntries(methodNames.map((name) => [name, refuse])), ...workspaceHandlers(maintenance) } as unknown as Handlers
  const verifyToken: VerifyToken = (token) => {
    if (secretsEqual(token, previous.ownerToken)) return previous.owner
    throw new ApiFailure('workspace_damaged', DAMAGED_FOR_OTHERS)
  }
  return { ...previous, health, handlers: withDamageCheck(handlers, health, message), verifyToken, guard: refuse, close: async () => {} }
}

interface StudioCore {
  workspace: Workspace
  health: WorkspaceHealth
  handlers: Handlers
  images: ReturnType<typeof imagesRepo>
  projectOf: ReturnType<typeof projectOfRepo>
  team: ReturnType<typeof createTeamService>
  ownerToken: string
  owner: Principal
  verifyToken: VerifyToken
  /** Runs a database read for a transport; a corruption error it meets marks the workspace damaged. */
  guard<T>(read: () => T): T
  close(): Promise<void>
}

/** Opens the database and builds the services, handlers and lookups over it (the lock is already held). */
async function openCore(opts: OpenStudioOptions & { log: (line: string) => void }, fanOut: StudioEventListener, maintenance: WorkspaceMaintenance): Promise<StudioCore> {
  const { log, workspaceDir } = opts
  const workspace = openWorkspace(join(workspaceDir, WORKSPACE_DB_FILE))
  let runner: JobRunner
  // Set below once the handlers exist: the demo's sets are made when its import finishes.
  let demo: DemoReadying | null = null
  try {
    runner = createJobRunner({
      db: workspace.db,
      log,
      onEvent: (name, job) => {
        fanOut(name, job)
        demo?.afterJob(job)
      }
    })
  } catch (err) {
    workspace.close()
    throw err
  }
  const health = new WorkspaceHealth()
  const imports = createImportService({ ws: workspace, runner, workspaceDir })
  const { config } = opts
  const { resourcesDir } = config
  const engine = createEngineService({ ...opts.engine, config, ws: workspace, runner, workspaceDir, imports, emit: (job) => fanOut('job.progress', job), log })
  const team = createTeamService(workspace)
  const classify = createClassifyService({ ws: workspace, runner, resourcesDir })
  const acquire = createAcquireService({ ws: workspace, runner, classify, workspaceDir, resolveModel: (model) => defaultResolveModel(model, resourcesDir) })
  const exports = createExportService({ ws: workspace, runner, exportRoots: config.exportRoots })
  // Bias reports sample their models through the engine's sampling jobs (issue 5).
  const audit = createAuditService({
    ws: workspace,
    runner,
    workspaceDir,
    resourcesDir,
    exportRoots: config.exportRoots,
    sampler: { start: (req) => engine.sample.start(req), results: (id) => engine.sample.results(id), models: () => engine.models() }
  })
  // Every call of an invited annotator is checked against the projects of their invite (finding 6).
  const projectOf = projectOfRepo(workspace.db)
  const damaged = (): string => damagedMessage(workspace.file, health.damage!, listBackups(workspace.file)[0]?.file ?? null)
  const handlers = withDamageCheck(
    withDiskFullCheck(
      withProjectScope(
        createHandlers({
          ws: workspace,
          imports,
          jobs: runner,
          engine,
          team,
          classify,
          acquire,
          exports,
          audit,
          maintenance,
          browseRoots: config.browseRoots,
          reveal: opts.revealFile,
          pickFolder: opts.pickFolder
        }),
        projectOf
      ),
      workspaceDir
    ),
    health,
    damaged
  )
  // Thumbnails are served from the folder the import pipeline writes them to, and nowhere else.
  const images = imagesRepo(workspace.db, thumbsDirOf(workspaceDir))
  const ownerToken = ownerTokenOf(workspaceDir, workspace)
  const owner = workspace.tokens.verify(ownerToken)!
  // Jobs left running by a killed process carry on, now that every kind is registered.
  runner.resumePending()
  if (opts.demoResourcesDir) {
    seedDemoProject({ ws: workspace, workspaceDir, resourcesDir: opts.demoResourcesDir, imports })
    // Through the same calls as the Sets and Pairs screens, as the owner.
    const ctx: CallContext = { annotatorId: workspace.annotators.owner().id, scope: 'owner' }
    const call = async (method: MethodName, input: unknown): Promise<unknown> => {
      const result = await dispatch(handlers, method, input, ctx)
      if (!result.ok) throw new Error(result.error.message)
      return result.value
    }
    demo = keepDemoReadying({
      ws: workspace,
      workspaceDir,
      log,
      makeRandomSets: (projectId, promptId, k, count, seed) => call('sets.createRandom', { projectId, promptId, k, count, seed }),
      pairAll: (projectId) => call('pairs.createAll', { projectId })
    })
  }
  // The copies a damaged workspace is restored from: one a day, a few generations (finding 9).
  const backups = scheduleDailyBackups({ db: workspace.db, dbFile: workspace.file, log, skip: () => health.damage !== null })

  const guard = <T>(read: () => T): T => {
    if (health.damage) throw new ApiFailure('workspace_damaged', damaged())
    try {
      return read()
    } catch (err) {
      if (health.observe(err)) throw new ApiFailure('workspace_damaged', damaged())
      throw err
    }
  }
  let closed = false
  return {
    workspace,
    health,
    handlers,
    images,
    projectOf,
    team,
    ownerToken,
    owner,
    verifyToken: (token) => {
      // The owner can still reach a damaged workspace (to restore it): the owner token is also in its
      // own file, checked without the database. Everyone else is told what is wrong.
      if (!health.damage) {
        try {
          return workspace.tokens.verify(token)
        } catch (err) {
          if (!health.observe(err)) throw err
        }
      }
      if (secretsEqual(token, ownerToken)) return owner
      // Anyone else may not even hold a valid token: no paths, only what to do.
      throw new ApiFailure('workspace_damaged', DAMAGED_FOR_OTHERS)
    },
    guard,
    async close() {
      if (closed) return
      closed = true
      await backups.stop()
      await demo?.settled()
      await runner.shutdown()
      workspace.close()
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
