// The sample packs of resources/samples (one per dialect), bundled into the build so the
// offline demo works from any install, the single executable included.
import { ingestPath } from './core/ingest-endpoints';
import type { Dialect } from './core/types';
import alertmanager from '../resources/samples/alertmanager.json';
import custom from '../resources/samples/custom.json';
import eventClosed from '../resources/samples/event-closed.json';
import eventOpen from '../resources/samples/event-open.json';
import generic from '../resources/samples/generic.json';
import signalInstance from '../resources/samples/signal-instance.json';
import splunkHec from '../resources/samples/splunk-hec.json';

export interface SamplePack {
  name: string;
  dialect: Dialect;
  title: string;
  description: string;
  /** Custom packs bring the source (and transposer) their body goes through. */
  source?: { name: string; transposer: string };
  body: unknown;
}

export const SAMPLE_PACKS: readonly SamplePack[] = [generic, signalInstance, eventOpen, eventClosed, alertmanager, splunkHec, custom] as SamplePack[];

/** The endpoint a tool would post the pack to (shown in the UI and recorded on the event). */
export function endpointOf(pack: SamplePack, orgSlug: string, sourceSlug = 'sample-custom-tool'): string {
  return ingestPath(pack.dialect, orgSlug, sourceSlug);
}
