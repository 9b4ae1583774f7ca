import type { Job, SampleResult } from '@shared/contract';
import type { Workspace } from '../db/workspace';
import type { SamplerKind } from '../engine/diffusion/sample-loop';
import type { JobRunner } from '../jobs/runner';
import type { Catalog } from './catalog';
export interface SampleRequest {
    projectId: number;
    model: string;
    prompts: string[];
    seedStart: number;
    count: number;
    steps: number;
    sampler: SamplerKind;
    guidance: number;
}
export interface SampleJobsDeps {
    ws: Workspace;
    runner: JobRunner;
    catalog: Catalog;
    workspaceDir: string;
    log: (line: string) => void;
    /** Images per sampler call (default 16). */
    chunk?: number;
    /** Nearest-neighbour upscale of the saved PNGs, so 16 px figures stay crisp on screen (default 8). */
    scale?: number;
    /** 'tfjs' skips onnxruntime-node (tests of the fallback). */
    prefer?: 'ort' | 'tfjs';
}
export declare function createSampleJobs(deps: SampleJobsDeps): {
    start(req: SampleRequest): Job;
    results(jobId: number): SampleResult[];
};
export type SampleJobs = ReturnType<typeof createSampleJobs>;
