import { useEffect, useRef } from 'react';

/**
 * Calls `tick` every `intervalMs` while the page is visible and the caller is mounted; a page
 * that comes back into view ticks at once instead of showing stale numbers until the next turn.
 */
export function useVisibleInterval(tick: () => void, intervalMs: number, enabled = true): void {
  const latestTick = useRef(tick);
  useEffect(() => {
    latestTick.current = tick;
  });

  useEffect(() => {
    if (!enabled) return;
    let timer: number | undefined;
    const start = () => {
      if (timer === undefined && document.visibilityState === 'visible') timer = window.setInterval(() => latestTick.current(), intervalMs);
    };
    const stop = () => {
      window.clearInterval(timer);
      timer = undefined;
    };
    const onVisibilityChange = () => {
      if (document.visibilityState === 'visible') {
        latestTick.current();
        start();
      } else stop();
    };
    start();
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, [intervalMs, enabled]);
}
