/** The managed Python environment for the real-model trainer (issue 14). */
export * from './find-python'
export * from './paths'
export * from './env'
export * from './probe'
