// Types for the plain-JavaScript kernel assembler, so the simd-kernels test can import it.
/** The TypeScript module (kernels-wasm.ts) holding the assembled bytes of a .wat source. */
export function simdModuleSource(watSource: string): Promise<string>
