// Shared tiny settings for the engine tests: small enough that a step takes milliseconds.
import type { DiTConfig } from '../../../src-main/core/engine/model/dit-spec'

export const tinyModel: DiTConfig = { imageSize: 8, channels: 3, patch: 2, width: 32, depth: 2, heads: 2, mlpRatio: 2, timeFeatures: 16, vocabSize: 6 }
