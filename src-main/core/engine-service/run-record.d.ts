import type { TrainConfig } from '../engine/train/config';
export declare const RUN_RECORD_FILE = "run.json";
export interface RunRecord {
    jobId: number;
    projectId: number | null;
    config: TrainConfig;
    seed: number;
    /** "scratch" or the model id and checkpoint file fine-tuning started from. */
    init: {
        model: 'scratch';
    } | {
        model: string;
        checkpoint: string;
        step: number;
    };
    data: {
        source: 'world';
        options: Record<string, unknown>;
    };
    /** The training backend as the worker reported it on the run's first start. */
    backend: string;
    codeVersion: string;
    platform: string;
    createdAt: string;
}
export declare function readRunRecord(runDir: string): RunRecord | null;
/** Writes run.json unless it exists (flag wx); returns the record now on disk. */
export declare function writeRunRecordOnce(runDir: string, record: RunRecord): RunRecord;
