// Chat destinations end to end: an alert ingested over HTTP reaches local receivers as each
// platform expects it — Slack Block Kit with escaped text, a Mattermost attachment (checked
// by the `@mattermost/types` validator) and a Teams Workflows message whose Adaptive Card the
// official `adaptivecards` library reads without a complaint.
import { isMessageAttachmentArray } from '@mattermost/types/message_attachments';
import * as AC from 'adaptivecards';
import { describe, expect, it } from 'vitest';
import { useDeliveryApps } from '../helpers/delivery-apps';

const { app, receiver } = useDeliveryApps();

describe('chat destinations', () => {
  it('deliver an alert titled <!channel> as Slack, Mattermost and Teams expect it, with the severity and a link back', async () => {
    const h = await app();
    const r = await receiver();
    for (const kind of ['slack', 'mattermost', 'teams']) {
      expect((await h.http('POST', '/api/destinations', { body: { name: kind, kind, uri: `${r.url}/${kind}`, event_type: ['security_event'] } })).status).toBe(201);
    }
    const ev = (await h.http('POST', '/v1/ingest/generic', { body: { title: '<!channel> disk full & failing', severity: 'Critical', description: 'db-1 <at 99%>', tags: ['service:db'] } })).json;
    await r.waitFor(3);
    const body = (path: string) => JSON.parse(r.received.find((x) => x.url === path)!.body);
    const alert = (await h.http('GET', `/api/alerts/${ev.alert_id}`)).json;
    const link = `${h.app.url}/#/alerts/${ev.alert_id}`;

    const slack = body('/slack');
    expect(slack.text).toBe(`Critical: &lt;!channel&gt; disk full &amp; failing — Alert ${alert.short_id}: <${link}>`);
    expect(slack.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '&lt;!channel&gt; disk full &amp; failing', emoji: false } });
    expect(JSON.stringify(slack)).not.toContain('<!channel>');
    expect(JSON.stringify(slack.blocks)).toContain(':red_circle: Critical');
    expect(JSON.stringify(slack.blocks)).toContain('db-1 &lt;at 99%&gt;');

    const mattermost = body('/mattermost');
    expect(isMessageAttachmentArray(mattermost.attachments)).toBe(true);
    expect(mattermost.attachments[0]).toMatchObject({ color: '#B3001B', title: '<!channel> disk full & failing', title_link: link });
    expect(mattermost.attachments[0].fields).toContainEqual({ title: 'Severity', value: 'Critical', short: true });

    const teams = body('/teams');
    expect(teams).toMatchObject({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive' }] });
    const card = new AC.AdaptiveCard();
    const context = new AC.SerializationContext();
    card.parse(teams.attachments[0].content, context);
    expect(context.eventCount).toBe(0);
    expect(card.validateProperties().validationEvents).toEqual([]);
    expect((card.toJSON() as any).actions[0].url).toBe(link);
    expect(teams.attachments[0].content.body[1]).toMatchObject({ text: 'Critical', color: 'Attention' });
  });
});
