import type { SamplerKind } from '../engine/diffusion/sample-loop';
import type { TrainConfig } from '../engine/train/config';
export interface SampleRequest {
    /** One prompt vector (vocabSize floats) per image, row-major. */
    cond: Float32Array;
    /** One seed per image. */
    seeds: readonly number[];
    sampler: SamplerKind;
    steps: number;
    guidance: number;
    signal?: AbortSignal;
}
export interface ImageSampler {
    /** 'onnxruntime-node' or 'tfjs (<backend>)'; recorded in every image's provenance. */
    readonly backend: string;
    /** HWC images in [-1, 1], imageSize^2 * channels floats each, in the order of the seeds. */
    sample(req: SampleRequest): Promise<Float32Array>;
    dispose(): Promise<void>;
}
/**
 * The fastest sampler that opens: onnxruntime-node, else tfjs (with the reason ORT was passed over
 * handed to `onFallback`). `prefer: 'tfjs'` skips ORT (tests of the fallback path).
 */
export declare function openImageSampler(config: TrainConfig, params: Readonly<Record<string, Float32Array>>, opts?: {
    prefer?: 'ort' | 'tfjs';
    onFallback?: (reason: string) => void;
}): Promise<ImageSampler>;
