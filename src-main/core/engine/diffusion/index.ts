/** Diffusion mathematics of the engine: schedules, weightings, respacing, steps and sampling. */
export * from './schedule'
export * from './weights'
export * from './respacing'
export * from './forward'
export * from './steps'
export * from './guidance'
export * from './sample-loop'
