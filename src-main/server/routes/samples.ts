// The offline demo kit: sample payloads of every dialect sent from the UI, and a one-click
// demo setup (a webhook destination to the built-in request bin).
import type { DemoSetup, SampleView, SentView } from '../../../src-shared/sources';
import { createSource } from '../../core/config-ops';
import * as dst from '../../core/destinations';
import { checkTransposer } from '../../core/ingest';
import { EVENT_TYPES, type SourceRecord } from '../../core/types';
import { maskHeaderValue, validateHeaders } from '../../delivery/headers';
import { newSigningSecret } from '../../delivery/signing';
import { endpointOf, SAMPLE_PACKS, type SamplePack } from '../../samples';
import type { ServerDeps } from '../deps';
import { HttpError } from '../http-error';
import { uiRequest } from '../request-meta';
import type { RouteDef } from '../route';
import * as R from '../../schemas/responses';

const DEMO_BIN = 'demo';
const DEMO_DESTINATION = 'Demo request bin';

export function sampleRoutes(deps: ServerDeps): RouteDef[] {
  // Custom packs need their source; it is created the first time such a sample is sent.
  const customSource = async (organization: string, pack: SamplePack): Promise<SourceRecord> => {
    // Looked up inside the mutation: two quick sends create it once.
    return deps.store.updateConfig((d) =>
      d.sources.find((s) => s.organization === organization && s.name === pack.source!.name) ??
      createSource(d, organization, { name: pack.source!.name, dialect: 'custom', transposer: pack.source!.transposer }, checkTransposer, deps.now()).record);
  };
  return [
    {
      method: 'get', path: '/api/samples', summary: 'Sample payloads of every dialect (resources/samples)', tag: 'samples', auth: 'admin',
      responses: { '200': '{items, next_cursor}' }, returns: R.pageOf(R.sampleSchema),
      handler: (ctx, { principal }) => {
        ctx.body = {
          items: SAMPLE_PACKS.map((p): SampleView => ({ name: p.name, dialect: p.dialect, title: p.title, description: p.description, endpoint: endpointOf(p, principal.organization.slug), body: p.body })),
          next_cursor: null,
        };
      },
    },
    {
      method: 'post', path: '/api/samples/:name/send', summary: 'Ingest a sample payload as a new event (no key needed; recorded as sent from the UI)', tag: 'samples', auth: 'admin',
      responses: { '202': '{event_ids, alert_ids}', '404': 'no such sample', '503': 'store overloaded or failing' }, returns: R.acceptedSchema,
      handler: async (ctx, { principal }) => {
        const pack = SAMPLE_PACKS.find((p) => p.name === ctx.params.name);
        if (!pack) throw new HttpError(404, [`name: no sample "${ctx.params.name}"; one of ${SAMPLE_PACKS.map((p) => p.name).join(', ')}`]);
        const source = pack.source ? await customSource(principal.organization.id, pack) : null;
        const path = endpointOf(pack, principal.organization.slug, source?.slug);
        const accepted = await deps.pipeline.accept({
          dialect: pack.dialect, body: structuredClone(pack.body), organization: principal.organization, source,
          request: uiRequest(ctx, principal, path, Buffer.byteLength(JSON.stringify(pack.body))), fresh: true,
        });
        ctx.status = 202;
        ctx.body = { event_ids: accepted.ids, alert_ids: accepted.alertIds } satisfies SentView;
      },
    },
    {
      method: 'post', path: '/api/demo', summary: 'One-click demo: a webhook destination to the built-in request bin "demo" (created once)', tag: 'samples', auth: 'admin',
      responses: { '200': 'the demo already exists', '201': 'created: {destination_id, bin, bin_url}' }, returns: R.demoSchema,
      handler: async (ctx, { principal }) => {
        const org = principal.organization.id;
        // The appliance posts to itself: the address it serves on, not a public URL that may lead elsewhere.
        const binUrl = `${deps.servedUrl()}/bin/${DEMO_BIN}`;
        // Ours: the name and a URI on the request bin (a user's own destination of that name is left alone).
        const existing = deps.store.config().destinations.find((d) => d.organization === org && d.name === DEMO_DESTINATION && d.kind === 'webhook' && d.uri?.endsWith(`/bin/${DEMO_BIN}`));
        let d = existing;
        if (!existing) {
          d = await deps.store.updateConfig((draft) => dst.createDestination(draft, org, { name: DEMO_DESTINATION, kind: 'webhook', uri: binUrl, event_type: [...EVENT_TYPES], format: 'default' }, { validateHeaders, newSecret: newSigningSecret }, deps.now()));
        } else if (existing.uri !== binUrl) {
          // The appliance listens on another port than when the demo was set up.
          d = (await deps.store.updateConfig((draft) => dst.updateDestination(draft, org, existing.id, { uri: binUrl }, { validateHeaders, maskHeader: maskHeaderValue }, deps.now()))).destination;
          deps.deliveries.receiverChanged(existing.id);
        }
        ctx.status = existing ? 200 : 201;
        ctx.body = { destination_id: d!.id, bin: DEMO_BIN, bin_url: binUrl } satisfies DemoSetup;
      },
    },
  ];
}
