// Renders docs/access.md from the capability list and the route table, so the document a newcomer
// reads is the code's own answer. A test fails when the committed file differs from this output;
// `npm run docs:access` writes it again.
import { API_TOKEN_CAPABILITIES, CAPABILITIES, type CapabilityName, type Grant } from './capabilities';
import type { RouteEntry } from './route-table';

const SCOPE_WORDS: Record<Grant['scope'], string> = {
  site: 'whole site',
  organization: 'own organization',
  own: 'own records',
};

/** "trainer, admin (whole site); manager (own organization)": roles grouped by scope. */
function holders(name: CapabilityName): string {
  const byScope = new Map<Grant['scope'], string[]>();
  for (const g of CAPABILITIES[name].grants as readonly Grant[]) byScope.set(g.scope, [...(byScope.get(g.scope) ?? []), g.role]);
  return [...byScope].map(([scope, roles]) => `${roles.join(', ')} (${SCOPE_WORDS[scope]})`).join('; ');
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** Routes guarded by requiresToken: called with an organization's API token, never a session. */
const API_TOKEN_HOLDER = 'API token of the organization (own organization)';

export function renderAccessDoc(routes: RouteEntry[]): string {
  const lines: string[] = [
    '# Who may do what',
    '',
    '<!-- Generated from src/access/capabilities.ts and the app\'s routes by `npm run docs:access`. Do not edit by hand: a test fails when this file is out of date. -->',
    '',
    'Every route declares the capability it needs (`requires(...)`) or that it is public. The route guard checks that the',
    'user holds the capability somewhere; the feature\'s policy (`src/<feature>/policy.ts`) then checks it against the record,',
    'so a manager of one organization is refused another organization\'s records, and a learner another learner\'s.',
    '',
    'Scopes: **whole site** (a site role: learner, trainer, admin), **own organization** (an organization role: member,',
    'manager, over their own organization only), **own records** (the user\'s own progress and certificates).',
    'Routes whose holder is an **API token of the organization** (the reporting API, `/api/v1`) are called with a bearer',
    'token a manager made for their organization (`Authorization: Bearer ...`); a signed-in session never reaches them.',
    '',
    '## Routes',
    '',
    '| Method | Route | Capability | Who (scope) |',
    '|---|---|---|---|',
  ];
  const sorted = [...routes].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  for (const r of sorted) {
    const access = r.access;
    const capability = !access ? '**none declared**' : 'public' in access ? 'public' : `\`${access.capability}\``;
    const who = !access ? '' : 'public' in access ? 'anyone' : access.via === 'api-token' ? API_TOKEN_HOLDER : holders(access.capability);
    lines.push(`| ${r.method} | \`${cell(r.path)}\` | ${capability} | ${who} |`);
  }
  lines.push('', '## Capabilities', '', '| Capability | What it allows | Who (scope) | Risk |', '|---|---|---|---|');
  for (const name of Object.keys(CAPABILITIES) as CapabilityName[]) {
    const c = CAPABILITIES[name];
    const byToken = (API_TOKEN_CAPABILITIES as readonly CapabilityName[]).includes(name) ? `; ${API_TOKEN_HOLDER}` : '';
    lines.push(`| \`${name}\` | ${cell(c.description)} | ${holders(name)}${byToken} | ${c.risk} |`);
  }
  lines.push('');
  return lines.join('\n');
}
