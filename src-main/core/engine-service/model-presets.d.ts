import type { ModelSize, TrainSettings } from '@shared/contract';
import type { DiTConfig } from '../engine/model/dit-spec';
import { type TrainConfig } from '../engine/train/config';
export declare function presetModel(size: ModelSize): DiTConfig;
/**
 * The engine's TrainConfig for the screen's settings. When fine-tuning, the architecture is the
 * starting model's (weights only fit their own shapes), so `size` is ignored.
 */
export declare function trainConfigFrom(settings: TrainSettings, initModel: DiTConfig | null): TrainConfig;
