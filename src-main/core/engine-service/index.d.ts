import type { EngineInfo, Job, ModelEntry } from '@shared/contract';
import type { Workspace } from '../db/workspace';
import type { JobRunner } from '../jobs/runner';
import { type SampleJobs } from './sample-jobs';
import { type TrainJobs } from './train-jobs';
export interface EngineServiceDeps {
    ws: Workspace;
    runner: JobRunner;
    workspaceDir: string;
    /** Folder of the shipped base model; $POPALIGN_RESOURCES/models/base or ./resources/models/base by default. */
    baseModelDir?: string;
    /** Fan-out of job changes made outside the runner (pause, resume). */
    emit: (job: Job) => void;
    log: (line: string) => void;
    /** Explicit engine worker script (tests). */
    workerPath?: string;
    progressIntervalMs?: number;
    sampleChunk?: number;
    samplePrefer?: 'ort' | 'tfjs';
}
export interface EngineService {
    info(): Promise<EngineInfo>;
    models(): ModelEntry[];
    readonly train: TrainJobs;
    readonly sample: SampleJobs;
}
/** Registers the 'train' and 'sample' job kinds on the runner; call before runner.resumePending(). */
export declare function createEngineService(deps: EngineServiceDeps): EngineService;
