// The main navigation, built from capabilities: a link shows when the user holds what its page
// requires, so the layout never tests a role. Lists are cached per set of grants (a handful exist).
import type { SessionUser } from '../accounts/types';
import type { CapabilityName } from '../access/capabilities';
import { holds } from '../access/holds';

interface NavLink {
  href: string;
  /** Translation key of the label. */
  label: string;
  /** Shown to those who hold it; null: shown to everyone. */
  capability: CapabilityName | null;
  /** The paths this link is the current page for. */
  current: (path: string) => boolean;
}

const LINKS: NavLink[] = [
  { href: '/courses', label: 'nav.catalog', capability: null, current: (p) => p.startsWith('/courses') },
  { href: '/dashboard', label: 'nav.dashboard', capability: 'course:take', current: (p) => p === '/dashboard' },
  { href: '/account', label: 'nav.account', capability: 'account:edit', current: (p) => p === '/account' || p === '/transcript' },
  { href: '/organization', label: 'nav.organization', capability: 'member:manage', current: (p) => p === '/organization' || p.startsWith('/organizations/') },
  { href: '/reports', label: 'nav.reports', capability: 'report:view', current: (p) => p === '/reports' || p.startsWith('/reports/') },
  { href: '/analytics', label: 'nav.analytics', capability: 'course:analytics', current: (p) => p === '/analytics' || p.startsWith('/analytics/') },
  { href: '/author', label: 'author.nav', capability: 'course:author', current: (p) => p.startsWith('/author') },
  { href: '/admin', label: 'nav.admin', capability: 'site:administer', current: (p) => p.startsWith('/admin') },
];

export interface NavItem {
  href: string;
  label: string;
  current: boolean;
}

const cache = new Map<string, NavLink[]>();

function linksFor(user: SessionUser | null): NavLink[] {
  const key = user ? `${user.role}|${user.membership?.role ?? ''}` : '';
  let links = cache.get(key);
  if (!links) {
    links = LINKS.filter((l) => l.capability === null || holds(user, l.capability));
    cache.set(key, links);
  }
  return links;
}

export function navigationFor(user: SessionUser | null, path: string): NavItem[] {
  return linksFor(user).map((l) => ({ href: l.href, label: l.label, current: l.current(path) }));
}
