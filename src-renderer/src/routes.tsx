// Every view of the UI: its hash route, its place in the navigation, and how it renders.
// A route's `match` gets the hash (e.g. "#/events/123"); its groups are the view's params.
import { lazy, type ComponentType, type ReactNode } from 'react';

// Each view is its own chunk, loaded when first opened (the shell shows a fallback meanwhile).
function view<M, K extends keyof M>(load: () => Promise<M>, name: K): M[K] {
  return lazy(async () => ({ default: (await load())[name] as ComponentType<any> })) as M[K];
}
const Dashboard = view(() => import('./views/Dashboard'), 'Dashboard');
const EventInspector = view(() => import('./views/EventInspector'), 'EventInspector');
const LiveEvents = view(() => import('./views/LiveEvents'), 'LiveEvents');
const AlertDetail = view(() => import('./views/AlertDetail'), 'AlertDetail');
const Alerts = view(() => import('./views/Alerts'), 'Alerts');
const CaseDetail = view(() => import('./views/CaseDetail'), 'CaseDetail');
const Cases = view(() => import('./views/Cases'), 'Cases');
const Catalog = view(() => import('./views/Catalog'), 'Catalog');
const Definitions = view(() => import('./views/Definitions'), 'Definitions');
const Sources = view(() => import('./views/Sources'), 'Sources');
const Deliveries = view(() => import('./views/Deliveries'), 'Deliveries');
const DeliveryDetail = view(() => import('./views/DeliveryDetail'), 'DeliveryDetail');
const DestinationDetail = view(() => import('./views/DestinationDetail'), 'DestinationDetail');
const Destinations = view(() => import('./views/Destinations'), 'Destinations');
const Rules = view(() => import('./views/Rules'), 'Rules');
const Settings = view(() => import('./views/Settings'), 'Settings');
const Transforms = view(() => import('./views/Transforms'), 'Transforms');
const Connect = view(() => import('./views/Connect'), 'Connect');

export interface RouteDef {
  /** The hash the navigation links to; omitted for detail routes. */
  nav?: { href: string; label: string; group: 'Signals' | 'Delivery' | 'Setup' };
  /** The document title's first part ("Alerts — Switchyard"); the navigation label when omitted. */
  title?: string;
  match: RegExp;
  render: (params: string[], go: (hash: string) => void) => ReactNode;
}

export const routes: RouteDef[] = [
  { nav: { href: '#/dashboard', label: 'Dashboard', group: 'Signals' }, match: /^#\/dashboard$/, render: () => <Dashboard /> },
  // Where a newcomer starts: the URLs, a key and snippets per tool (empty states link here).
  { nav: { href: '#/connect', label: 'Connect a tool', group: 'Signals' }, match: /^#\/connect$/, render: () => <Connect /> },
  // `#/events?dialect=…&severity=…&text=…`: the list's filters, kept in the URL.
  { nav: { href: '#/events', label: 'Live events', group: 'Signals' }, match: /^#\/events(?:\?(.*))?$/, render: ([q], go) => <LiveEvents query={new URLSearchParams(q ?? '')} open={(id) => go(`#/events/${encodeURIComponent(id)}`)} /> },
  { title: 'Event', match: /^#\/events\/(.+)$/, render: ([id], go) => <EventInspector id={decodeURIComponent(id)} go={go} /> },
  // Signals and their setup; `#/alerts?text=service:api` opens the list searched (the catalog links so);
  // `status` (default open; `all`), `severity` and `text` are the list's filters.
  { nav: { href: '#/alerts', label: 'Alerts', group: 'Signals' }, match: /^#\/alerts(?:\?(.*))?$/, render: ([q], go) => <Alerts key={q ?? ''} query={new URLSearchParams(q ?? '')} go={go} /> },
  { title: 'Alert', match: /^#\/alerts\/([^?]+)$/, render: ([id], go) => <AlertDetail id={decodeURIComponent(id)} go={go} /> },
  { nav: { href: '#/cases', label: 'Cases', group: 'Signals' }, match: /^#\/cases$/, render: (_, go) => <Cases go={go} /> },
  { title: 'Case', match: /^#\/cases\/([^?]+)$/, render: ([id], go) => <CaseDetail id={decodeURIComponent(id)} go={go} /> },
  { nav: { href: '#/definitions', label: 'Definitions', group: 'Setup' }, match: /^#\/definitions(?:\/([^?]+))?$/, render: ([id]) => <Definitions key={id ?? ''} open={id && decodeURIComponent(id)} /> },
  { nav: { href: '#/sources', label: 'Sources', group: 'Setup' }, match: /^#\/sources$/, render: () => <Sources /> },
  { nav: { href: '#/catalog', label: 'Catalog', group: 'Setup' }, match: /^#\/catalog$/, render: () => <Catalog /> },
  // Delivery and setup views; a query after the path (`?event=`, `?destination=`) preselects.
  { nav: { href: '#/destinations', label: 'Destinations', group: 'Delivery' }, match: /^#\/destinations$/, render: (_, go) => <Destinations go={go} /> },
  { title: 'Destination', match: /^#\/destinations\/([^?]+)$/, render: ([id], go) => <DestinationDetail id={decodeURIComponent(id)} go={go} /> },
  { nav: { href: '#/deliveries', label: 'Deliveries', group: 'Delivery' }, match: /^#\/deliveries(?:\?(.*))?$/, render: ([q], go) => <Deliveries key={q ?? ''} query={new URLSearchParams(q ?? '')} go={go} /> },
  { title: 'Delivery', match: /^#\/deliveries\/([^?]+)$/, render: ([id], go) => <DeliveryDetail id={decodeURIComponent(id)} go={go} /> },
  { nav: { href: '#/rules', label: 'Rules', group: 'Delivery' }, match: /^#\/rules$/, render: () => <Rules /> },
  { nav: { href: '#/transforms', label: 'Transforms', group: 'Setup' }, match: /^#\/transforms(?:\?(.*))?$/, render: ([q], go) => <Transforms eventId={new URLSearchParams(q ?? '').get('event')} go={go} /> },
  { nav: { href: '#/settings', label: 'Settings', group: 'Setup' }, match: /^#\/settings$/, render: () => <Settings /> },
];

/** The browser tab's title for a route. */
export const documentTitle = (route: RouteDef) => `${route.title ?? route.nav?.label ?? 'Switchyard'} — Switchyard`;

/** The route for a hash (the first view when nothing matches). */
export function routeFor(hash: string): { route: RouteDef; params: string[] } {
  for (const route of routes) {
    const m = route.match.exec(hash);
    if (m) return { route, params: m.slice(1) };
  }
  return { route: routes[0], params: [] };
}
