// Every event id the list API gives for a query (newest first), paging to the end: what an
// export of the same filters must contain.
export async function allEventIds(getPage: (path: string) => Promise<{ items: { id: string }[]; next_cursor: string | null }>, query: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor = '';
  do {
    const page = await getPage(`/api/events?${query}&limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    ids.push(...page.items.map((e) => e.id));
    cursor = page.next_cursor ?? '';
  } while (cursor);
  return ids;
}
