// "Copy as curl": the command that sends an event's raw payload again, the way its tool did.
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function curlOf(origin: string, event: { dialect: string; raw: unknown; request: { path: string; auth: string } }): string {
  const viaToken = event.request.auth === 'url_token' || event.request.path.startsWith('/v1/hooks');
  const path = viaToken ? '/v1/hooks/$TOKEN' : event.request.path;
  const auth = viaToken ? [] : [`-H ${event.dialect === 'splunk_hec' ? '"Authorization: Splunk $KEY"' : '"Authorization: Bearer $KEY"'}`];
  return [`curl -X POST "${origin}${path}"`, ...auth, `-H 'Content-Type: application/json'`, `--data-binary ${quote(JSON.stringify(event.raw))}`].join(' \\\n  ');
}
