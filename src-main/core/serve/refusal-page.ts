// The page a browser shows when serve mode turns a person away (no session, a spent or expired invite,
// a revoked link): a readable page saying what happened and what to do, instead of a bare-text 401
// (issue 10, item 4). Scripts and the API still get plain text or JSON; this is only for page loads.
// Every text here is ours, but it is escaped anyway so a later caller cannot slip markup in.

export interface Refusal {
  title: string
  /** What happened, in one or two sentences. */
  message: string
  /** What the person can do about it. */
  next: string
}

export const REFUSALS = {
  signedOut: {
    title: 'You are not signed in',
    message: 'This browser has no session with PopAlign Studio, or its session has ended.',
    next: 'Open the address PopAlign Studio printed when it started (it ends in ?token=…). If you were invited, ask the project owner for a new invite link.'
  },
  badLink: {
    title: 'This access link does not work',
    message: 'The link is not valid: it may be mistyped, or it was revoked.',
    next: 'Open the address PopAlign Studio printed when it started, or ask the project owner for a new link.'
  }
} satisfies Record<string, Refusal>

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c])
}

/** A whole HTML document for the refusal; styled inline (the CSP allows inline styles, no scripts). */
export function refusalPage(r: Refusal): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(r.title)} — PopAlign Studio</title>
<style>
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;background:#f6f7f9;color:#1d232b;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;border:1px solid #d9dde3;border-radius:8px;padding:28px 32px;max-width:34rem;margin:16px}
.brand{font-weight:600;color:#4b5563;font-size:14px;letter-spacing:.02em}
h1{font-size:22px;margin:8px 0 12px}
p{margin:0 0 10px}
</style></head>
<body><main role="main"><div class="brand">PopAlign Studio</div><h1>${escapeHtml(r.title)}</h1><p>${escapeHtml(r.message)}</p><p>${escapeHtml(r.next)}</p></main></body></html>
`
}

/** Whether the request is a page load a person sees (so it gets a page, not text). */
export function wantsPage(method: string, pathname: string, accept: string | undefined): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false
  if (pathname.startsWith('/api/') || pathname.startsWith('/img/') || pathname.startsWith('/assets/') || pathname === '/events') return false
  return (accept ?? '').includes('text/html')
}
