import { parseTrainConfig } from '../engine/train/config';
import { CHANNELS } from '../world/renderer';
import { VOCAB_SIZE } from '../world/vocabulary';
const WORLD_IMAGE_SIZE = 16;
const PRESETS = {
    // Small enough that a step takes a few milliseconds on one core: for trying the screens and tests.
    tiny: { patch: 4, width: 16, depth: 1, heads: 2, mlpRatio: 2, timeFeatures: 16 },
    small: { patch: 4, width: 48, depth: 2, heads: 4, mlpRatio: 4, timeFeatures: 32 },
    base: { patch: 4, width: 96, depth: 4, heads: 4, mlpRatio: 4, timeFeatures: 64 }
};
export function presetModel(size) {
    return { imageSize: WORLD_IMAGE_SIZE, channels: CHANNELS, vocabSize: VOCAB_SIZE, ...PRESETS[size] };
}
/**
 * The engine's TrainConfig for the screen's settings. When fine-tuning, the architecture is the
 * starting model's (weights only fit their own shapes), so `size` is ignored.
 */
export function trainConfigFrom(settings, initModel) {
    return parseTrainConfig({
        model: initModel ?? presetModel(settings.size),
        schedule: settings.schedule,
        timesteps: 1000,
        weighting: settings.weighting,
        batchSize: settings.batchSize,
        learningRate: settings.learningRate,
        condDropout: settings.condDropout,
        steps: settings.steps,
        seed: settings.seed,
        checkpointEvery: Math.min(settings.checkpointEvery, settings.steps)
    });
}
