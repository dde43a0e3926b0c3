// Live events keeps its filters and search in the URL (`#/events?severity=high&text=db`),
// so Back and reload keep them; the inspector's "← Events" returns to the same list.
import { queryString } from '../api/client';

export interface EventFilters {
  dialect: string;
  severity: string;
  text: string;
}

export function filtersOf(query: URLSearchParams): EventFilters {
  return { dialect: query.get('dialect') ?? '', severity: query.get('severity') ?? '', text: query.get('text') ?? '' };
}

export function liveEventsHash(filters: EventFilters): string {
  return `#/events${queryString({ ...filters })}`;
}

let last = '#/events';

/** The Live events URL last shown in this window (for the inspector's way back). */
export const lastLiveEvents = {
  get: () => last,
  set: (hash: string) => void (last = hash),
};
