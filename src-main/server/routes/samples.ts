// The offline demo kit: sample payloads of every dialect sent from the UI, and a one-click
// demo setup (a webhook destination to the built-in request bin).
import type { Context } from 'koa';
import { createSource } from '../../core/config-ops';
import * as dst from '../../core/destinations';
import { checkTransposer } from '../../core/ingest';
import { EVENT_TYPES, type RequestMeta, type SourceRecord } from '../../core/types';
import { validateHeaders } from '../../delivery/headers';
import { newSigningSecret } from '../../delivery/signing';
import { endpointOf, SAMPLE_PACKS, type SamplePack } from '../../samples';
import { acceptEvents } from '../accept-events';
import type { Principal } from '../auth';
import type { ServerDeps } from '../deps';
import { HttpError } from '../http-error';
import type { RouteDef } from '../route';

export const DEMO_BIN = 'demo';
export const DEMO_DESTINATION = 'Demo request bin';

/** The request an event sent from the UI records: who, by which route, and that no key was used. */
export function uiRequest(ctx: Context, principal: Principal, path: string, bytes: number, replayOf?: string): RequestMeta {
  return {
    method: 'POST', path, remote_address: ctx.req.socket.remoteAddress ?? null, user_agent: ctx.get('user-agent') || null,
    content_length: bytes, content_type: 'application/json', auth: 'session', key_id: principal.keyId, idempotency_key: null,
    ...(replayOf ? { replay_of: replayOf } : {}),
  };
}

export function sampleRoutes(deps: ServerDeps): RouteDef[] {
  // Custom packs need their source; it is created the first time such a sample is sent.
  const customSource = async (organization: string, pack: SamplePack): Promise<SourceRecord> => {
    const slugged = deps.store.config().sources.find((s) => s.organization === organization && s.name === pack.source!.name);
    if (slugged) return slugged;
    return deps.store.updateConfig((d) => createSource(d, organization, { name: pack.source!.name, dialect: 'custom', transposer: pack.source!.transposer }, checkTransposer, deps.now()).record);
  };
  return [
    {
      method: 'get', path: '/api/samples', summary: 'Sample payloads of every dialect (resources/samples)', tag: 'samples', auth: 'admin',
      responses: { '200': '{items, next_cursor}' },
      handler: (ctx, { principal }) => {
        ctx.body = {
          items: SAMPLE_PACKS.map((p) => ({ name: p.name, dialect: p.dialect, title: p.title, description: p.description, endpoint: endpointOf(p, principal.organization.slug), body: p.body })),
          next_cursor: null,
        };
      },
    },
    {
      method: 'post', path: '/api/samples/:name/send', summary: 'Ingest a sample payload as a new event (no key needed; recorded as sent from the UI)', tag: 'samples', auth: 'admin',
      responses: { '202': '{event_ids, alert_ids}', '404': 'no such sample', '503': 'store overloaded or failing' },
      handler: async (ctx, { principal }) => {
        const pack = SAMPLE_PACKS.find((p) => p.name === ctx.params.name);
        if (!pack) throw new HttpError(404, [`name: no sample "${ctx.params.name}"; one of ${SAMPLE_PACKS.map((p) => p.name).join(', ')}`]);
        const source = pack.source ? await customSource(principal.organization.id, pack) : null;
        const path = endpointOf(pack, principal.organization.slug, source?.slug);
        const accepted = await acceptEvents(deps, {
          dialect: pack.dialect, body: structuredClone(pack.body), organization: principal.organization, source,
          request: uiRequest(ctx, principal, path, JSON.stringify(pack.body).length), fresh: true,
        });
        ctx.status = 202;
        ctx.body = { event_ids: accepted.ids, alert_ids: accepted.alertIds };
      },
    },
    {
      method: 'post', path: '/api/demo', summary: 'One-click demo: a webhook destination to the built-in request bin "demo" (created once)', tag: 'samples', auth: 'admin',
      responses: { '200': 'the demo already exists', '201': 'created: {destination_id, bin, bin_url}' },
      handler: async (ctx, { principal }) => {
        const org = principal.organization.id;
        const binUrl = `${deps.baseUrl()}/bin/${DEMO_BIN}`;
        const existing = deps.store.config().destinations.find((d) => d.organization === org && d.name === DEMO_DESTINATION);
        const current = existing?.uri === binUrl ? existing : undefined;
        // Made anew when missing, or when the appliance now listens on another port.
        const d = current ?? await deps.store.updateConfig((draft) => {
          if (existing) dst.deleteDestination(draft, org, existing.id);
          return dst.createDestination(draft, org, { name: DEMO_DESTINATION, kind: 'webhook', uri: binUrl, event_type: [...EVENT_TYPES], format: 'default' }, { validateHeaders, newSecret: newSigningSecret }, deps.now());
        });
        ctx.status = current ? 200 : 201;
        ctx.body = { destination_id: d.id, bin: DEMO_BIN, bin_url: binUrl };
      },
    },
  ];
}
