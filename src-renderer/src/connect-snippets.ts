// Copy-ready configuration for the tools people point at Switchyard: curl, an Alertmanager
// receiver, a Splunk HEC sender and a Grafana webhook contact point. `origin` is the address
// the UI is served on; `key` an ingest key (a placeholder until one is created).
export const KEY_PLACEHOLDER = 'YOUR_INGEST_KEY';

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** YAML double-quoted scalar (JSON strings are valid ones). */
const yamlQuote = (s: string) => JSON.stringify(s);

export function curlSnippet(origin: string, key: string): string {
  const body = JSON.stringify({ title: 'Test alert from curl', severity: 'Low', description: 'Sent to check the connection.' });
  return [
    `curl -X POST ${shellQuote(`${origin}/v1/ingest/generic`)}`,
    `-H ${shellQuote(`Authorization: Bearer ${key}`)}`,
    `-H 'Content-Type: application/json'`,
    `-d ${shellQuote(body)}`,
  ].join(' \\\n  ');
}

export function alertmanagerSnippet(origin: string, key: string): string {
  return `# alertmanager.yml: the receiver, and a route that sends alerts to it
route:
  receiver: switchyard
receivers:
  - name: switchyard
    webhook_configs:
      - url: ${yamlQuote(`${origin}/v1/ingest/alertmanager`)}
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${yamlQuote(key)}
`;
}

export function splunkHecSnippet(origin: string, key: string): string {
  const body = JSON.stringify({ time: Math.floor(Date.now() / 1000), sourcetype: '_json', event: { title: 'Test event from a Splunk HEC sender', severity: 'Medium' } });
  return [
    `curl -X POST ${shellQuote(`${origin}/services/collector/event`)}`,
    `-H ${shellQuote(`Authorization: Splunk ${key}`)}`,
    `-d ${shellQuote(body)}`,
  ].join(' \\\n  ');
}

/** Grafana posts its own webhook JSON (with a "title"), which the generic endpoint takes. */
export function grafanaSnippet(origin: string, key: string): string {
  return `# grafana/provisioning/alerting/switchyard.yaml (or in Grafana: Alerting → Contact points →
# Add contact point → Webhook, with the URL below and, under Optional settings,
# Authorization header scheme "Bearer" and the key as credentials)
apiVersion: 1
contactPoints:
  - orgId: 1
    name: switchyard
    receivers:
      - uid: switchyard
        type: webhook
        settings:
          url: ${yamlQuote(`${origin}/v1/ingest/generic`)}
          httpMethod: POST
          authorization_scheme: Bearer
          authorization_credentials: ${yamlQuote(key)}
`;
}
