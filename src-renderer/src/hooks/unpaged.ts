// A whole list loaded at once (useLoad) given to DataTable: its loading state and error,
// no "Load more" — so the empty state does not flash while it loads.
import type { Loaded } from './useLoad';

export const unpaged = (l: Pick<Loaded<unknown>, 'data' | 'loading' | 'error'>) => ({ hasMore: false, more: async () => {}, loading: l.loading && !l.data, error: l.error });
