// Every view of the UI: its hash route, its place in the navigation, and how it renders.
// A route's `match` gets the hash (e.g. "#/events/123"); its groups are the view's params.
import type { ReactNode } from 'react';
import { Dashboard } from './views/Dashboard';
import { EventInspector } from './views/EventInspector';
import { LiveEvents } from './views/LiveEvents';
import { AlertDetail } from './views/AlertDetail';
import { Alerts } from './views/Alerts';
import { CaseDetail } from './views/CaseDetail';
import { Cases } from './views/Cases';
import { Catalog } from './views/Catalog';
import { Definitions } from './views/Definitions';
import { Sources } from './views/Sources';
import { Deliveries } from './views/Deliveries';
import { DeliveryDetail } from './views/DeliveryDetail';
import { DestinationDetail } from './views/DestinationDetail';
import { Destinations } from './views/Destinations';
import { Rules } from './views/Rules';
import { Settings } from './views/Settings';
import { Transforms } from './views/Transforms';

export interface RouteDef {
  /** The hash the navigation links to; omitted for detail routes. */
  nav?: { href: string; label: string; group: 'Signals' | 'Delivery' | 'Setup' };
  match: RegExp;
  render: (params: string[], go: (hash: string) => void) => ReactNode;
}

export const routes: RouteDef[] = [
  { nav: { href: '#/dashboard', label: 'Dashboard', group: 'Signals' }, match: /^#\/dashboard$/, render: () => <Dashboard /> },
  // `#/events?dialect=…&severity=…&text=…`: the list's filters, kept in the URL.
  { nav: { href: '#/events', label: 'Live events', group: 'Signals' }, match: /^#\/events(?:\?(.*))?$/, render: ([q], go) => <LiveEvents query={new URLSearchParams(q ?? '')} open={(id) => go(`#/events/${encodeURIComponent(id)}`)} /> },
  { match: /^#\/events\/(.+)$/, render: ([id], go) => <EventInspector id={decodeURIComponent(id)} go={go} /> },
  // Signals and their setup; `#/alerts?text=service:api` opens the list searched (the catalog links so);
  // `status` (default open; `all`), `severity` and `text` are the list's filters.
  { nav: { href: '#/alerts', label: 'Alerts', group: 'Signals' }, match: /^#\/alerts(?:\?(.*))?$/, render: ([q], go) => <Alerts key={q ?? ''} query={new URLSearchParams(q ?? '')} go={go} /> },
  { match: /^#\/alerts\/([^?]+)$/, render: ([id], go) => <AlertDetail id={decodeURIComponent(id)} go={go} /> },
  { nav: { href: '#/cases', label: 'Cases', group: 'Signals' }, match: /^#\/cases$/, render: (_, go) => <Cases go={go} /> },
  { match: /^#\/cases\/([^?]+)$/, render: ([id], go) => <CaseDetail id={decodeURIComponent(id)} go={go} /> },
  { nav: { href: '#/definitions', label: 'Definitions', group: 'Setup' }, match: /^#\/definitions(?:\/([^?]+))?$/, render: ([id]) => <Definitions key={id ?? ''} open={id && decodeURIComponent(id)} /> },
  { nav: { href: '#/sources', label: 'Sources', group: 'Setup' }, match: /^#\/sources$/, render: () => <Sources /> },
  { nav: { href: '#/catalog', label: 'Catalog', group: 'Setup' }, match: /^#\/catalog$/, render: () => <Catalog /> },
  // Delivery and setup views; a query after the path (`?event=`, `?destination=`) preselects.
  { nav: { href: '#/destinations', label: 'Destinations', group: 'Delivery' }, match: /^#\/destinations$/, render: (_, go) => <Destinations go={go} /> },
  { match: /^#\/destinations\/([^?]+)$/, render: ([id], go) => <DestinationDetail id={decodeURIComponent(id)} go={go} /> },
  { nav: { href: '#/deliveries', label: 'Deliveries', group: 'Delivery' }, match: /^#\/deliveries(?:\?(.*))?$/, render: ([q], go) => <Deliveries key={q ?? ''} query={new URLSearchParams(q ?? '')} go={go} /> },
  { match: /^#\/deliveries\/([^?]+)$/, render: ([id], go) => <DeliveryDetail id={decodeURIComponent(id)} go={go} /> },
  { nav: { href: '#/rules', label: 'Rules', group: 'Delivery' }, match: /^#\/rules$/, render: () => <Rules /> },
  { nav: { href: '#/transforms', label: 'Transforms', group: 'Setup' }, match: /^#\/transforms(?:\?(.*))?$/, render: ([q], go) => <Transforms eventId={new URLSearchParams(q ?? '').get('event')} go={go} /> },
  { nav: { href: '#/settings', label: 'Settings', group: 'Setup' }, match: /^#\/settings$/, render: () => <Settings /> },
];

/** The route for a hash (the first view when nothing matches). */
export function routeFor(hash: string): { route: RouteDef; params: string[] } {
  for (const route of routes) {
    const m = route.match.exec(hash);
    if (m) return { route, params: m.slice(1) };
  }
  return { route: routes[0], params: [] };
}
