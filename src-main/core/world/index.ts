// Public surface of the built-in world "Synthetic Population".
export * from './taxonomy'
export { renderFigure, renderFigureInto, DEFAULT_IMAGE_SIZE, CHANNELS, TONE_RGB, type RenderOptions } from './renderer'
export { encodePng, toUint8Upscaled } from './png'
export * from './vocabulary'
export * from './prompts'
export * from './bias'
export * from './data-source'
export { writeWorldSample, figureForPrompt, uuid5, SAMPLE_GENERATOR, type SampleSidecar, type WriteSampleOptions } from './sample-folder'
