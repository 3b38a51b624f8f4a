import { useEffect, useState } from 'react';

/** Whole seconds from now until `atMs` (0 once it passed), counting down each second; null without a time. */
export function useSecondsUntil(atMs: number | null): number | null {
  const [nowMs, setNowMs] = useState(Date.now);
  useEffect(() => {
    if (atMs === null) return;
    setNowMs(Date.now());
    const timer = window.setInterval(() => setNowMs(Date.now()), 1_000);
    return () => window.clearInterval(timer);
  }, [atMs]);
  return atMs === null ? null : Math.max(0, Math.ceil((atMs - nowMs) / 1_000));
}
