import type { Job, TrainMetrics, TrainSettings } from '@shared/contract';
import type { Workspace } from '../db/workspace';
import type { JobRunner } from '../jobs/runner';
import type { Catalog } from './catalog';
export interface TrainJobsDeps {
    ws: Workspace;
    runner: JobRunner;
    catalog: Catalog;
    workspaceDir: string;
    /** Pushes a job change the runner did not make itself (pause, resume) to event listeners. */
    emit: (job: Job) => void;
    log: (line: string) => void;
    /** Explicit worker script (tests); by default the built bundle or the TypeScript source. */
    workerPath?: string;
    /** Least milliseconds between two worker progress reports (default 200). */
    progressIntervalMs?: number;
}
/** Seconds as "1 h 02 min", "3 min 05 s" or "12 s" for the job's message line. */
export declare function formatEta(seconds: number | null): string;
export declare function createTrainJobs(deps: TrainJobsDeps): {
    start(projectId: number, settings: TrainSettings, init: string): Job;
    pause(jobId: number): Job;
    resume(jobId: number): Job;
    cancel(jobId: number): Job;
    metrics(jobId: number, maxPoints: number): TrainMetrics;
};
export type TrainJobs = ReturnType<typeof createTrainJobs>;
