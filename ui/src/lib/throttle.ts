// Leading-edge throttle: the first call goes through, later ones within `intervalMs` are
// dropped. Used for the `activity` ping (at most once per 20 s).

export const ACTIVITY_INTERVAL_MS = 20_000;

export function throttle(fn: () => void, intervalMs: number, now: () => number = () => Date.now()): () => void {
  let last = -Infinity;
  return () => {
    const t = now();
    if (t - last < intervalMs) return;
    last = t;
    fn();
  };
}
