/** The paper's 1-D mixture-of-Gaussians experiment (ALGORITHMS.md §3.9, §3.9.1, §5.8). */
export * from './mixture'
export * from './noised'
export * from './data'
export * from './adam'
export * from './objectives'
export * from './train'
export * from './experiment'
export * from './report'
