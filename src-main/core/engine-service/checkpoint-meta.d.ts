import { type TrainConfig } from '../engine/train/config';
export interface CheckpointMeta {
    config: TrainConfig;
    step: number;
}
/** Config and step of a training checkpoint; throws an Error naming the file when it is not one. */
export declare function readCheckpointMeta(path: string): CheckpointMeta;
