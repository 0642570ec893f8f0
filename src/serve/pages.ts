/**
 * The HTML of each page: a small shell (navigation, the page's name and argument as data
 * attributes) that the browser code fills from the JSON API, and the login form. No inline
 * script, no style attribute; every value written into the markup is escaped.
 */
import { escapeHtml as esc } from '../../reports/daily-html';

export type PageName = 'overview' | 'port' | 'ip' | 'alerts' | 'alert' | 'sources' | 'reports' | 'events';

const NAV: [string, string][] = [
  ['/', 'Overview'],
  ['/alerts', 'Alerts'],
  ['/events', 'Events'],
  ['/sources', 'Sources'],
  ['/reports', 'Reports'],
];

const TITLES: Record<PageName, string> = {
  overview: 'Overview', port: 'Port', ip: 'Address', alerts: 'Alerts', alert: 'Alert', sources: 'Sources', reports: 'Reports', events: 'Events',
};

function head(title: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light dark"><meta name="referrer" content="same-origin">
<title>${esc(title)} — portledger</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/static/style.css">`;
}

/** The shell of a page; `arg` is the port number or the canonical address of the page. */
export function pageHtml(page: PageName, arg = '', auth = false): string {
  const nav = NAV.map(([href, label]) => `<a href="${href}">${esc(label)}</a>`).join('');
  const title = arg ? `${TITLES[page]} ${arg}` : TITLES[page];
  return `${head(title)}
<script src="/static/echarts.js" defer></script><script src="/static/app.js" defer></script></head>
<body data-page="${esc(page)}" data-arg="${esc(arg)}">
<header class="top"><a class="brand" href="/">portledger</a><nav>${nav}</nav>
<form class="jump" action="/go" method="get" role="search"><input name="q" placeholder="port or address" aria-label="Go to a port or an address" autocomplete="off"></form>
<span id="live" class="live off" title="live updates">offline</span>${auth ? '<form action="/logout" method="post" class="logout"><button>Log out</button></form>' : ''}</header>
<main id="main"><noscript><p>This dashboard needs JavaScript (its own script, from this server only).</p></noscript></main>
</body></html>
`;
}

/** The login form of a dashboard with a token. `error` is shown above it. */
export function loginHtml(next: string, error?: string): string {
  return `${head('Log in')}</head>
<body class="login"><main><h1>portledger</h1>
<form method="post" action="/login"><input type="text" name="username" value="portledger" autocomplete="username" hidden><label for="token">Access token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<input type="hidden" name="next" value="${esc(next)}">
${error ? `<p class="error">${esc(error)}</p>` : ''}<button>Log in</button></form>
<p class="muted">The token is the one <code>portledger serve</code> was started with (<code>--token</code> or <code>--token-file</code>).</p></main></body></html>
`;
}

/** A local path to go back to after logging in; anything else (another site, a scheme) is "/". */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : '/';
}
