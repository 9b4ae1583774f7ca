/** <workspace>/runs/<jobId>: checkpoints, run.json, metrics.jsonl of one training job. */
export declare function runDirOf(workspaceDir: string, jobId: number): string;
export declare function runsRootOf(workspaceDir: string): string;
/** <workspace>/samples/<jobId>: the PNGs of one sampling job (also the root they are served from). */
export declare function samplesDirOf(workspaceDir: string, jobId: number): string;
/**
 * The shipped base model: $POPALIGN_RESOURCES/models/base when set (the packaged app points it at
 * its resources), else resources/models/base under the working directory (repo checkouts), the same
 * rule the shipped classifier follows.
 */
export declare function defaultBaseModelDir(env?: NodeJS.ProcessEnv): string;
export declare const BASE_CHECKPOINT_FILE = "base.ckpt";
