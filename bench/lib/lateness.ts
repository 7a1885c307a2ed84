/**
 * A timer that says how late each of its ticks fired: a tick late by N ms
 * means the event loop was blocked (or the process had no CPU) for about
 * that long. Used by the phase watch in the API process and by the load
 * generator for its own loop.
 */
export function everyTick(periodMs: number, tick: (nowEpochMs: number, lateMs: number) => void): () => void {
  let expected = Date.now() + periodMs;
  const timer = setInterval(() => {
    const now = Date.now();
    tick(now, Math.max(0, now - expected));
    expected = now + periodMs;
  }, periodMs);
  return () => clearInterval(timer);
}
