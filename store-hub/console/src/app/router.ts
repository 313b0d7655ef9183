/**
 * Hash routing (`#/orders/abc`): the hub serves one static index.html under /console/, so the
 * path after the hash is the console's own. Enough for ten modules; no router library needed.
 */
import { useEffect, useState } from 'react';

export interface Route {
  tab: string;
  arg: string | null;
}

const parse = (): Route => {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return { tab: parts[0] || '', arg: parts[1] ?? null };
};

export function useRoute(): Route {
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const on = () => setRoute(parse());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

export const href = (tab: string, arg?: string): string =>
  `#/${tab}${arg ? `/${encodeURIComponent(arg)}` : ''}`;

export const go = (tab: string, arg?: string): void => {
  location.hash = href(tab, arg);
};
