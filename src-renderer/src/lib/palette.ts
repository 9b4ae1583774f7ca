// Okabe & Ito's colour-blind-safe palette (2008), for attribute classes. Colour is never the only
// cue: every bar is labelled with its class name and count.
export const OKABE_ITO = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#000000'] as const

export function classColour(index: number): string {
  return OKABE_ITO[((index % OKABE_ITO.length) + OKABE_ITO.length) % OKABE_ITO.length]
}
