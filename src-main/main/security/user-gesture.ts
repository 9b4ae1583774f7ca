// "Never open the system browser without a user gesture" (issue 11, Electron shell). A page, or a
// script injected into one, can navigate or call window.open() at any time; a vetted https URL would
// then open in the OS browser with nobody having asked. Like Chromium's popup blocker, a link goes to
// the OS browser only right after a real input of the person at the keyboard (a mouse button or a key
// pressed in the window, reported by the main process, which page script cannot fake), and one input
// opens at most one link.
import { vetExternalUrl } from './urls'

/** How long after a click or key press a link may still open (Chromium's user activation lasts 5 s). */
export const GESTURE_WINDOW_MS = 1000

/** The inputs that count, as Electron reports them (before-mouse-event / before-input-event). */
export function isActivatingInput(input: { type: string; key?: string }): boolean {
  if (input.type === 'mouseDown' || input.type === 'mouseUp') return true
  // Chromium: keydown activates, except Escape (and our own shortcuts do nothing external anyway).
  return (input.type === 'keyDown' || input.type === 'rawKeyDown') && input.key !== 'Escape'
}

/** The last activating input of one window, spent by the first external open it allows. */
export class GestureClock {
  private lastAt = Number.NEGATIVE_INFINITY

  constructor(
    private readonly now: () => number = Date.now,
    readonly windowMs = GESTURE_WINDOW_MS
  ) {}

  record(input: { type: string; key?: string }): void {
    if (isActivatingInput(input)) this.lastAt = this.now()
  }

  /** True (once) when an activating input happened within the window. */
  consume(): boolean {
    const fresh = this.now() - this.lastAt <= this.windowMs
    if (fresh) this.lastAt = Number.NEGATIVE_INFINITY
    return fresh
  }
}

export type ExternalOpenDecision = { open: string } | { refuse: string }

/**
 * Whether `url` may go to the OS browser: a vetted https URL, asked for by a fresh gesture. The
 * gesture is consumed only for a URL that passes, so a refused URL does not use up the click.
 */
export function decideExternalOpen(url: string, clock: GestureClock): ExternalOpenDecision {
  const vetted = vetExternalUrl(url)
  if (!vetted) return { refuse: 'not an https link with a host' }
  if (!clock.consume()) return { refuse: 'no click or key press came just before it' }
  return { open: vetted }
}
