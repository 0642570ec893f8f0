/**
 * Building the page. Text from the server — log content above all: host names, rule names,
 * reject samples, notes — only ever becomes text nodes (`textContent`), never markup; links
 * are made by the route builders below from validated numbers and encoded addresses.
 */

export type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | null | undefined | ((e: Event) => void)>;

/** An element with attributes (`on…` are listeners) and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'className') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces an element's content. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

export const num = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : n.toLocaleString('en-US'));
export const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)} %`);
/** `2024-06-14T03:40:33+00:00` → `2024-06-14 03:40:33` (the zone is shown in the page header). */
export const time = (iso: string | null | undefined): string => (iso ? iso.slice(0, 19).replace('T', ' ') : '—');
export const clock = (iso: string): string => iso.slice(11, 19);

/** Query string from defined values only. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export const routes = {
  overview: (date?: string) => `/${qs({ date })}`,
  port: (port: number, proto?: string | null, extra: Record<string, string | number | undefined> = {}) => `/port/${Number(port)}${qs({ proto: proto ?? undefined, ...extra })}`,
  ip: (ip: string, extra: Record<string, string | undefined> = {}) => `/ip/${encodeURIComponent(ip)}${qs(extra)}`,
  alert: (id: number) => `/alerts/${Number(id)}`,
  alerts: (f: Record<string, string | number | undefined> = {}) => `/alerts${qs(f)}`,
  events: (f: Record<string, string | number | undefined | null>) => `/events${qs(f)}`,
};

export function link(href: string, ...children: Child[]): HTMLAnchorElement {
  return h('a', { href }, ...children);
}

/** A number that links to what it counts. */
export function countLink(n: number, href: string, title?: string): HTMLElement {
  return n ? h('a', { href, title: title ?? null, className: 'count' }, num(n)) : h('span', { className: 'count zero' }, '0');
}

export function table(head: (string | [string, 'n'])[], rows: HTMLTableRowElement[], empty = 'Nothing here.'): HTMLElement {
  if (!rows.length) return h('p', { className: 'muted' }, empty);
  return h('div', { className: 'scroll' }, h('table', null, h('thead', null, h('tr', null, head.map((c) => (Array.isArray(c) ? h('th', { className: 'n' }, c[0]) : h('th', null, c))))), h('tbody', null, rows)));
}

export const td = (...c: Child[]) => h('td', null, ...c);
export const tdn = (...c: Child[]) => h('td', { className: 'n' }, ...c);

export function card(value: Child, label: string, cls = ''): HTMLElement {
  return h('div', { className: `card ${cls}` }, h('b', null, value), h('span', null, label));
}

export function badge(text: string, cls: string): HTMLElement {
  return h('span', { className: `badge ${cls}` }, text);
}

/** Danger level 1–5 as a coloured badge; kinds without a level get none. */
export function level(l: number | null): HTMLElement | null {
  return l === null ? null : badge(`level ${l}`, `lvl lvl${Math.min(Math.max(l, 1), 5)}`);
}

export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', null, h('h2', null, title), ...children);
}

export function message(text: string, cls = 'error'): HTMLElement {
  return h('p', { className: cls, role: cls === 'error' ? 'alert' : null }, text);
}

/** A URL's query parameters. */
export const params = (): URLSearchParams => new URLSearchParams(location.search);
