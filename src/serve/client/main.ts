/**
 * The dashboard's browser code: reads the page name the server put on <body>, renders that
 * page from the JSON API and keeps it live over server-sent events. Loaded as a file from this
 * server (the CSP allows no inline script).
 */
import { overviewPage } from './pages/overview';
import { portPage } from './pages/port';
import { addressPage } from './pages/address';
import { alertsPage, alertPage } from './pages/alerts';
import { sourcesPage } from './pages/sources';
import { reportsPage } from './pages/reports';
import { eventsPage } from './pages/events';
import { connectLive } from './live';

const PAGES: Record<string, (main: HTMLElement, arg: string) => void> = {
  overview: overviewPage, port: portPage, ip: addressPage, alerts: alertsPage, alert: alertPage, sources: sourcesPage, reports: reportsPage, events: eventsPage,
};

function start(): void {
  const main = document.getElementById('main');
  const page = document.body.dataset.page ?? '';
  const render = PAGES[page];
  if (!main || !render) return;
  for (const a of document.querySelectorAll<HTMLAnchorElement>('header nav a')) {
    const here = a.getAttribute('href') === location.pathname || (page === 'alert' && a.getAttribute('href') === '/alerts');
    if (here) a.setAttribute('aria-current', 'page');
  }
  render(main, document.body.dataset.arg ?? '');
  connectLive();
  // Light or dark follows the system; charts take their colours from the stylesheet.
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => location.reload());
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
