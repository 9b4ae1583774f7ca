// Copies text for the user. The async clipboard needs a secure context (a LAN address over plain
// HTTP is not one), so it falls back to selecting the field and the old copy command.
export async function copyText(text: string, field: HTMLInputElement | undefined): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    if (!field) return false
    field.select()
    return document.execCommand('copy')
  }
}

/** The address an invitee opens: this studio's origin plus the invite path. */
export function inviteUrl(origin: string, path: string): string {
  return new URL(path, origin).toString()
}
