// A small history router: the site has four kinds of page, not worth a routing library's bytes.
import { useEffect, useState } from 'react';

export type Route =
  | { page: 'chat'; conversationId: string | null }
  | { page: 'dictionary'; table: string | null }
  | { page: 'call'; callId: string }
  | { page: 'notFound'; path: string };

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: 'chat', conversationId: null };
  if (parts[0] === 'conversations' && parts.length === 2) return { page: 'chat', conversationId: parts[1]! };
  if (parts[0] === 'dictionary' && parts.length <= 2) return { page: 'dictionary', table: parts[1] ?? null };
  if (parts[0] === 'calls' && parts.length === 2) return { page: 'call', callId: parts[1]! };
  return { page: 'notFound', path: pathname };
}

export function pathFor(route: Route): string {
  switch (route.page) {
    case 'chat':
      return route.conversationId ? `/conversations/${encodeURIComponent(route.conversationId)}` : '/';
    case 'dictionary':
      return route.table ? `/dictionary/${encodeURIComponent(route.table)}` : '/dictionary';
    case 'call':
      return `/calls/${encodeURIComponent(route.callId)}`;
    case 'notFound':
      return route.path;
  }
}

const EVENT = 'pca:navigate';

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === window.location.pathname) return;
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(EVENT));
  window.scrollTo?.(0, 0);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.pathname));
    window.addEventListener('popstate', update);
    window.addEventListener(EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(EVENT, update);
    };
  }, []);
  return route;
}

/** Props for an <a> that navigates in the page (ctrl/cmd-click still opens a new tab). */
export function linkProps(path: string) {
  return {
    href: path,
    onFollow: (event: CustomEvent<{ href?: string; external?: boolean }>) => {
      event.preventDefault();
      navigate(path);
    },
  };
}
