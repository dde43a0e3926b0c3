// What a destination receives for an event: transformed records (default / splunk), the
// Sekoia-style envelope, or a chat message in the platform's shape (chat-messages.ts). Pure:
// built once when the delivery is created, so every retry sends the same bytes. A Splunk HEC
// gets its envelopes back to back, the batch form Splunk documents (it refuses a JSON array as
// invalid data format); a webhook in Armor's splunk format keeps Armor's array.
import type { Destination } from '../core/destination-types';
import { render, recordOf } from '../core/transform/render';
import type { TransformConfig } from '../core/transform/types';
import type { NormalizedEvent } from '../core/types';
import { mattermostMessage, slackMessage, teamsMessage, type ChatFacts } from './chat-messages';
import { eventEmail } from './mailer';

export interface PayloadContext {
  transform: TransformConfig | null;
  parents: TransformConfig[];
  tags: Record<string, string>;
  searchUrlTemplate: string | null;
  alert: { id: string; short_id: string; created: boolean } | null;
  /** Base URL of the appliance, for links back to the alert. */
  baseUrl: string;
}

function asFormat(organization: string, transform: TransformConfig | null, format: 'default' | 'splunk'): TransformConfig {
  // Without a transform config the records go out as they are, only wrapped per format.
  const base: TransformConfig = transform ?? {
    id: 'none', organization, name: 'none', format, event_type: ['security_incident', 'security_detection', 'security_event'],
    default_label: [], transform: [], version: 0, created_at: '', updated_at: '',
  };
  return { ...base, format };
}

/** The UI page of the alert (or of the event, when it opened none). */
function linkOf(event: NormalizedEvent, ctx: PayloadContext): string {
  return ctx.alert ? `${ctx.baseUrl}/#/alerts/${ctx.alert.id}` : `${ctx.baseUrl}/#/events/${event.id}`;
}


function chatFacts(event: NormalizedEvent, ctx: PayloadContext): ChatFacts {
  return { event, link: linkOf(event, ctx), alertShortId: ctx.alert?.short_id ?? null };
}

export function renderPayload(dest: Destination, event: NormalizedEvent, ctx: PayloadContext): string {
  if (dest.kind === 'email') {
    return JSON.stringify({ to: dest.email_to, ...eventEmail(event, { enriched: dest.email_enriched, link: linkOf(event, ctx) }) });
  }
  switch (dest.kind) {
    case 'slack':
      return JSON.stringify(slackMessage(chatFacts(event, ctx)));
    case 'mattermost':
      return JSON.stringify(mattermostMessage(chatFacts(event, ctx)));
    case 'teams':
      return JSON.stringify(teamsMessage(chatFacts(event, ctx)));
    default:
      break;
  }
  if (dest.format === 'envelope') {
    return JSON.stringify({
      type: 'alert',
      action: ctx.alert?.created ? 'created' : 'updated',
      // url: the UI page; api_url: the full alert for a key with the read scope (what Sekoia's receivers fetch next).
      attributes: {
        uuid: ctx.alert?.id ?? null, short_id: ctx.alert?.short_id ?? null, event_uuid: event.id,
        url: linkOf(event, ctx), api_url: ctx.alert ? `${ctx.baseUrl}/v1/alerts/${ctx.alert.id}` : null,
      },
      metadata: { version: 2, created_at: event.received_at, community_uuid: event.organization, avatar_uuid: null, user_uuid: null, permissions: [] },
    });
  }
  const format = dest.format === 'transform' ? (ctx.transform?.format ?? 'default') : dest.format === 'splunk' ? 'splunk' : 'default';
  const result = render(asFormat(event.organization, ctx.transform, format), { records: [recordOf(event)] }, { tags: ctx.tags, searchUrlTemplate: ctx.searchUrlTemplate, parents: ctx.parents });
  if (dest.kind === 'splunk_hec') return result.payload.map((envelope) => JSON.stringify(envelope)).join('\n');
  return JSON.stringify(result.payload);
}
