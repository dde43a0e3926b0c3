// Chat messages checked against each platform's shape and published limits: Slack Block Kit
// (escaping, a fallback text, block and text limits), Mattermost attachments (checked by the
// `@mattermost/types` validator), and Teams Workflows messages whose Adaptive Card the
// official `adaptivecards` library parses without a complaint, under Teams' size limit.
import { isMessageAttachmentArray } from '@mattermost/types/message_attachments';
import * as AC from 'adaptivecards';
import { describe, expect, it } from 'vitest';
import { SEVERITIES, type NormalizedEvent } from '../../src-main/core/types';
import { ADAPTIVE_CARD_VERSION, mattermostMessage, slackMessage, teamsMessage, type ChatFacts } from '../../src-main/delivery/chat-messages';
import {
  BODY_TEXT_MAX, MATTERMOST_TEXT_MAX, SLACK_BLOCKS_MAX, SLACK_FIELDS_MAX, SLACK_FIELD_TEXT_MAX, SLACK_HEADER_TEXT_MAX, SLACK_SECTION_TEXT_MAX,
  TAGS_MAX, TAG_LENGTH_MAX, TEAMS_MESSAGE_BYTES_MAX, TITLE_MAX,
} from '../../src-main/limits';
import { normalizedEvent } from '../helpers/ingest-fixtures';

const LINK = 'https://switchyard.example.test/#/alerts/5696845f-9ecf-4431-9f0f-48ee0ee2eff1';
const facts = (over: Partial<NormalizedEvent> = {}): ChatFacts => ({
  event: normalizedEvent({ title: 'Disk full on db-1', body: 'Only 2% left on /var', severity: 'high', source_name: 'Prometheus', tags: ['service:db', 'env:prod'], ...over }),
  link: LINK,
  alertShortId: 'ALEY4fqz8moo',
});
/** Every event a user can send is at most this big (the ingest limits): the messages must hold it. */
const worstCases: Partial<NormalizedEvent>[] = [
  { title: '&'.repeat(TITLE_MAX), body: '<'.repeat(BODY_TEXT_MAX), tags: Array.from({ length: TAGS_MAX }, () => '>'.repeat(TAG_LENGTH_MAX)) },
  { title: '😀'.repeat(TITLE_MAX), body: '\u0001'.repeat(BODY_TEXT_MAX), tags: Array.from({ length: TAGS_MAX }, () => '\u0002'.repeat(TAG_LENGTH_MAX)) },
  { title: '*'.repeat(TITLE_MAX), body: '@channel '.repeat(BODY_TEXT_MAX / 9), source_name: '['.repeat(200) },
];
const HOSTILE = { title: '<!channel> & <@U024BE7LH> <https://evil.example|click>', body: 'Call <!here> now > & @channel [click](https://evil.example)', tags: ['<!everyone>'] };

/** Every string in a JSON value, with its path. */
function strings(v: unknown, path = ''): [string, string][] {
  if (typeof v === 'string') return [[path, v]];
  if (Array.isArray(v)) return v.flatMap((x, i) => strings(x, `${path}[${i}]`));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => strings(x, path ? `${path}.${k}` : k));
  return [];
}

describe('Slack: Block Kit with a fallback text', () => {
  it('escapes &, < and > in every text: an alert titled <!channel> pings no one; only our own link is a link', () => {
    const message = slackMessage(facts(HOSTILE));
    const ownLinks = /<https:\/\/switchyard\.example\.test\/#\/alerts\/[0-9a-f-]+(\|ALEY4fqz8moo)?>/g;
    for (const [path, text] of strings(message)) {
      const rest = text.replace(ownLinks, '');
      expect(rest, path).not.toMatch(/[<>]/);
      expect(rest.replace(/&(amp|lt|gt);/g, ''), path).not.toContain('&');
    }
    const all = JSON.stringify(message);
    expect(all).toContain('&lt;!channel&gt; &amp; &lt;@U024BE7LH&gt;');
    expect(all).toContain('Call &lt;!here&gt; now &gt; &amp; @channel');
    expect(all).not.toContain('<https://evil.example|click>');
    expect(all).toContain('&lt;!everyone&gt;');
  });

  it('has a fallback text, the severity shown, and the link back', () => {
    const message = slackMessage(facts());
    expect(message.text).toBe(`High: Disk full on db-1 — Alert ALEY4fqz8moo: <${LINK}>`);
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Disk full on db-1', emoji: false } });
    expect(JSON.stringify(message.blocks[1])).toContain(':large_orange_circle: High');
    expect(JSON.stringify(message.blocks[1])).toContain(`<${LINK}|ALEY4fqz8moo>`);
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    for (const severity of SEVERITIES) expect(slackMessage(facts({ severity })).text).toMatch(new RegExp(`^${severity[0].toUpperCase()}${severity.slice(1)}: `));
  });

  it.each(worstCases.map((c, i) => [i, c] as const))('stays within Slack\'s published limits for the largest event (case %i)', (_, over) => {
    const message = slackMessage(facts(over));
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_BLOCKS_MAX);
    expect(message.text.length).toBeLessThanOrEqual(SLACK_SECTION_TEXT_MAX);
    for (const block of message.blocks as any[]) {
      if (block.type === 'header') expect([...block.text.text].length).toBeLessThanOrEqual(SLACK_HEADER_TEXT_MAX);
      if (block.type === 'section') {
        if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(SLACK_SECTION_TEXT_MAX);
        expect((block.fields ?? []).length).toBeLessThanOrEqual(SLACK_FIELDS_MAX);
        for (const f of block.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(SLACK_FIELD_TEXT_MAX);
      }
      if (block.type === 'context') for (const e of block.elements) expect(e.text.length).toBeLessThanOrEqual(SLACK_SECTION_TEXT_MAX);
    }
  });
});

describe('Mattermost: an attachment coloured by severity, with fields', () => {
  it('is a valid attachment list with a fallback, a colour per severity, the severity, status, source, alert link and tags as fields', () => {
    const message = mattermostMessage(facts());
    expect(isMessageAttachmentArray(message.attachments)).toBe(true);
    const [a] = message.attachments;
    expect(a).toMatchObject({ fallback: `[High] Disk full on db-1 — Alert ALEY4fqz8moo: ${LINK}`, color: '#E8590C', title: 'Disk full on db-1', title_link: LINK, text: 'Only 2% left on /var' });
    expect(a.fields).toEqual([
      { title: 'Severity', value: 'High', short: true },
      { title: 'Status', value: 'OPEN', short: true },
      { title: 'Source', value: 'Prometheus', short: true },
      { title: 'Alert', value: `[ALEY4fqz8moo](${LINK})`, short: true },
      { title: 'Tags', value: 'service:db, env:prod', short: false },
    ]);
    const colors = new Set(SEVERITIES.map((severity) => mattermostMessage(facts({ severity })).attachments[0].color));
    expect(colors.size).toBe(SEVERITIES.length);
    for (const c of colors) expect(c).toMatch(/^#[0-9A-F]{6}$/);
  });

  it('pings no one and plants no link from event text', () => {
    const all = JSON.stringify(mattermostMessage(facts(HOSTILE)));
    expect(all).not.toMatch(/@(channel|here|all)\b/);
    expect(all).toContain('@\u200bchannel');
    expect(all).not.toContain('[click](');
    expect(all).toContain('\\\\[click\\\\]\\\\(https://evil.example\\\\)');
  });

  it.each(worstCases.map((c, i) => [i, c] as const))('keeps every text within Mattermost\'s post limit for the largest event (case %i)', (_, over) => {
    const message = mattermostMessage(facts(over));
    expect(isMessageAttachmentArray(message.attachments)).toBe(true);
    for (const [path, text] of strings(message)) expect([...text].length, path).toBeLessThanOrEqual(MATTERMOST_TEXT_MAX);
  });
});

describe('Microsoft Teams: a Workflows message with an Adaptive Card', () => {
  /** What the official Adaptive Cards library reports reading the card (unknown elements, invalid values, missing properties), and the card it read. */
  function parseCard(content: unknown): { problems: string[]; card: AC.AdaptiveCard } {
    const card = new AC.AdaptiveCard();
    const context = new AC.SerializationContext();
    card.parse(content, context);
    const problems: string[] = [];
    for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
    // The library's own checks of what it read (required properties, e.g. an action's url).
    problems.push(...card.validateProperties().validationEvents.map((e) => e.message));
    return { problems, card };
  }

  it('is {type: "message", attachments: [an Adaptive Card]} that the adaptivecards library reads without a complaint', () => {
    const message = teamsMessage(facts());
    expect(message.type).toBe('message');
    expect(message.attachments).toHaveLength(1);
    const [attachment] = message.attachments;
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(attachment.content).toMatchObject({ type: 'AdaptiveCard', version: ADAPTIVE_CARD_VERSION });
    const { problems, card } = parseCard(attachment.content);
    expect(problems).toEqual([]);
    expect(card.version?.toString()).toBe(ADAPTIVE_CARD_VERSION);
    // What the library read back is what was sent: title, severity, facts, body and the link.
    const read = card.toJSON() as any;
    expect(read.body.map((e: any) => e.type)).toEqual(['TextBlock', 'TextBlock', 'FactSet', 'TextBlock']);
    expect(read.body[0].text).toBe('Disk full on db-1');
    expect(read.body[1]).toMatchObject({ text: 'High', color: 'Attention' });
    expect(read.body[2].facts).toContainEqual({ title: 'Alert', value: 'ALEY4fqz8moo' });
    expect(read.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open in Switchyard', url: LINK }]);
  });

  it('shows the severity in a colour per level and escapes Markdown from event text', () => {
    const colors = SEVERITIES.map((severity) => (teamsMessage(facts({ severity })).attachments[0].content.body[1] as { color?: string }).color);
    expect(colors).toEqual(['Default', 'Accent', 'Warning', 'Attention', 'Attention', 'Default']);
    const body = JSON.stringify(teamsMessage(facts(HOSTILE)).attachments[0].content.body);
    expect(body).not.toContain('[click](');
    expect(body).toContain('\\\\[click\\\\]\\\\(https://evil.example\\\\)');
  });

  it.each(worstCases.map((c, i) => [i, c] as const))('stays under Teams\' message size and still parses for the largest event (case %i)', (_, over) => {
    const message = teamsMessage(facts(over));
    expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(TEAMS_MESSAGE_BYTES_MAX);
    expect(parseCard(message.attachments[0].content).problems).toEqual([]);
  });
});
