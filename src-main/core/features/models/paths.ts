// Where the engine service keeps its files inside a workspace folder. One folder per job, named by
// the job id, so a run or a sample batch is never written over by another one.
import { join } from 'node:path'

/** <workspace>/runs/<jobId>: checkpoints, run.json, metrics.jsonl of one training job. */
export function runDirOf(workspaceDir: string, jobId: number): string {
  return join(workspaceDir, 'runs', String(jobId))
}

export function runsRootOf(workspaceDir: string): string {
  return join(workspaceDir, 'runs')
}

/** <workspace>/samples/<jobId>: the PNGs of one sampling job (also the root they are served from). */
export function samplesDirOf(workspaceDir: string, jobId: number): string {
  return join(workspaceDir, 'samples', String(jobId))
}

/** <workspace>/models: Stable Diffusion ONNX exports the user put there, one folder each ("sd:<folder>"). */
export function modelFoldersOf(workspaceDir: string): string {
  return join(workspaceDir, 'models')
}

/** The shipped base model in the resources folder the entry point chose (StudioConfig.resourcesDir). */
export function defaultBaseModelDir(resourcesDir: string): string {
  return join(resourcesDir, 'models', 'base')
}

export const BASE_CHECKPOINT_FILE = 'base.ckpt'
