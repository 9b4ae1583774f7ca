// Where the engine service keeps its files inside a workspace folder. One folder per job, named by
// the job id, so a run or a sample batch is never written over by another one.
import { resolve, join } from 'node:path';
/** <workspace>/runs/<jobId>: checkpoints, run.json, metrics.jsonl of one training job. */
export function runDirOf(workspaceDir, jobId) {
    return join(workspaceDir, 'runs', String(jobId));
}
export function runsRootOf(workspaceDir) {
    return join(workspaceDir, 'runs');
}
/** <workspace>/samples/<jobId>: the PNGs of one sampling job (also the root they are served from). */
export function samplesDirOf(workspaceDir, jobId) {
    return join(workspaceDir, 'samples', String(jobId));
}
/**
 * The shipped base model: $POPALIGN_RESOURCES/models/base when set (the packaged app points it at
 * its resources), else resources/models/base under the working directory (repo checkouts), the same
 * rule the shipped classifier follows.
 */
export function defaultBaseModelDir(env = process.env) {
    const root = env.POPALIGN_RESOURCES ?? resolve(process.cwd(), 'resources');
    return join(root, 'models', 'base');
}
export const BASE_CHECKPOINT_FILE = 'base.ckpt';
