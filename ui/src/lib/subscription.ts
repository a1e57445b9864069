// Listening to a Tauri event for as long as a component is mounted. Subscribing is
// async, so the component may be gone before the unlisten function arrives: then it is
// called at once, and nothing keeps listening.
import type { UnlistenFn } from './ipc';

/** Starts `subscribe`; the returned function stops it, now or when it has started. */
export function listenWhileMounted(subscribe: () => Promise<UnlistenFn>, onerror: (e: unknown) => void): () => void {
  let unlisten: UnlistenFn | null = null;
  let gone = false;
  subscribe()
    .then((fn) => (gone ? fn() : (unlisten = fn)))
    .catch(onerror);
  return () => {
    gone = true;
    unlisten?.();
  };
}
