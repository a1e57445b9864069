// Keyboard shortcuts: Ctrl on Linux and Windows, Cmd on macOS.

export const isMac: boolean =
  typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** The label of a shortcut with the platform's modifier, e.g. "Ctrl+N" or "⌘N". */
export function shortcutLabel(key: string): string {
  return isMac ? `⌘${key}` : `Ctrl+${key}`;
}

/** Whether `e` is the platform's modifier plus `key` (case-insensitive), and nothing else. */
export function isShortcut(e: KeyboardEvent, key: string): boolean {
  const mod = e.ctrlKey || e.metaKey;
  return mod && !e.altKey && !e.shiftKey && e.key.toLowerCase() === key.toLowerCase();
}

/** Whether the event comes from somewhere the user types text. */
export function isTyping(e: Event): boolean {
  const el = e.target;
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable) return true;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement) {
    return !['button', 'checkbox', 'radio', 'submit', 'reset'].includes(el.type);
  }
  return false;
}
