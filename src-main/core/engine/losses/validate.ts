/** Input checks shared by the preference losses; errors name the offending argument. */

export type Numbers = ArrayLike<number>

export function assertFiniteArray(name: string, values: Numbers, length?: number): void {
  if (length !== undefined && values.length !== length) {
    throw new Error(`${name} has ${values.length} entries, expected ${length}`)
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`${name}[${i}] is not a finite number (${values[i]})`)
  }
}

export function assertPositive(name: string, v: number): void {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive finite number, got ${v}`)
}

export function assertNonEmpty(name: string, values: Numbers): void {
  if (values.length === 0) throw new Error(`${name} is empty; a loss needs at least one sample`)
}
