// IPC sender check (docs/methods/security.md §Electron checklist, item 17): only the top frame of our own renderer may call the
// API. An iframe, even one on our origin, or any page that navigated elsewhere, is refused.
import { APP_ORIGIN, isInternalUrl } from './urls'

export interface SenderInfo {
  /** `event.senderFrame.url` */
  url: string | undefined | null
  /** `event.senderFrame.parent === null` */
  isMainFrame: boolean
}

export function validateSender(sender: SenderInfo | null | undefined, trusted: readonly string[] = [APP_ORIGIN]): boolean {
  if (!sender || sender.isMainFrame !== true) return false
  return isInternalUrl(sender.url, trusted)
}
