// Chat messages in each platform's current shape, kept within the limits each platform
// publishes (the numbers live in limits.ts with their sources). Pure: built once when the
// delivery is made. Event text is escaped for each platform, so a title can neither ping a
// channel nor plant a link.
import type { ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { MessageAttachment } from '@mattermost/types/message_attachments';
import type { NormalizedEvent, Severity } from '../core/types';
import {
  CHAT_BODY_TEXT_MAX, CHAT_TITLE_MAX, MATTERMOST_TEXT_MAX, SLACK_FIELD_TEXT_MAX, SLACK_HEADER_TEXT_MAX, SLACK_SECTION_TEXT_MAX,
  TEAMS_MESSAGE_BYTES_MAX,
} from '../limits';

/** What every chat message says about one event. */
export interface ChatFacts {
  event: NormalizedEvent;
  /** The UI page of the alert (or of the event when it opened none). */
  link: string;
  /** The alert's short id; null when the event opened no alert. */
  alertShortId: string | null;
}

const CUT_MARK = '…';

/**
 * The longest prefix of `text` whose escaped form, with a cut mark when shortened, is at most
 * `max` characters — so an escape (`&amp;`) is never cut in half and no limit is passed.
 */
export function fitEscaped(text: string, max: number, escape: (s: string) => string = (s) => s): string {
  const whole = escape(text);
  if (whole.length <= max) return whole;
  let out = '';
  for (const ch of text) {
    const next = escape(ch);
    if (out.length + next.length + CUT_MARK.length > max) break;
    out += next;
  }
  return out + CUT_MARK;
}

const SEVERITY_WORD: Record<Severity, string> = {
  critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', informational: 'Informational', pending: 'Pending',
};

/** `Alert` + its short id, or `Event` + "open" when the event opened no alert. */
function target(f: ChatFacts): { name: string; id: string } {
  return f.alertShortId ? { name: 'Alert', id: f.alertShortId } : { name: 'Event', id: 'open' };
}

// ---- Slack: Block Kit with a fallback `text` ----

/** Slack's three control characters (docs.slack.dev "Formatting message text", escaping); nothing else is encoded. */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const SLACK_EMOJI: Record<Severity, string> = {
  critical: ':red_circle:', high: ':large_orange_circle:', medium: ':large_yellow_circle:', low: ':large_blue_circle:', informational: ':white_circle:', pending: ':white_circle:',
};

export interface SlackMessage {
  /** Shown in notifications and where blocks cannot be (Slack asks for it beside blocks). */
  text: string;
  blocks: KnownBlock[];
}

export function slackMessage(f: ChatFacts): SlackMessage {
  const { event } = f;
  const url = slackEscape(f.link);
  const { name, id } = target(f);
  const field = (title: string, value: string) => ({ type: 'mrkdwn' as const, text: `*${title}*\n${fitEscaped(value, SLACK_FIELD_TEXT_MAX - title.length - 3, slackEscape)}` });
  const header: HeaderBlock = { type: 'header', text: { type: 'plain_text', text: fitEscaped(event.title, SLACK_HEADER_TEXT_MAX, slackEscape), emoji: false } };
  const facts: SectionBlock = {
    type: 'section',
    fields: [
      { type: 'mrkdwn', text: `*Severity*\n${SLACK_EMOJI[event.severity]} ${SEVERITY_WORD[event.severity]}` },
      field('Status', event.status),
      field('Source', event.source_name),
      { type: 'mrkdwn', text: `*${name}*\n<${url}|${id}>` },
    ],
  };
  const blocks: KnownBlock[] = [header, facts];
  if (event.body) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: fitEscaped(event.body, CHAT_BODY_TEXT_MAX, slackEscape) } });
  if (event.tags.length) {
    const tags: ContextBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: fitEscaped(`Tags: ${event.tags.join(', ')}`, CHAT_BODY_TEXT_MAX, slackEscape) }] };
    blocks.push(tags);
  }
  const text = `${SEVERITY_WORD[event.severity]}: ${fitEscaped(event.title, SLACK_HEADER_TEXT_MAX, slackEscape)} — ${name} ${id}: <${url}>`;
  return { text, blocks };
}

// ---- Mattermost: an attachment coloured by severity, with fields ----

const SEVERITY_COLOR: Record<Severity, string> = {
  critical: '#B3001B', high: '#E8590C', medium: '#F2C744', low: '#2F80ED', informational: '#7F8C8D', pending: '#95A5A6',
};

/** Mattermost pings on @all/@channel/@here/@user: a zero-width space after @ keeps the word and drops the ping. */
function noMentions(s: string): string {
  return s.replace(/@(?=[\w.-])/g, '@\u200b');
}

/** Attachment text and field values are Markdown that may mention: neither formats, links nor pings. */
export function mattermostEscape(s: string): string {
  return noMentions(s).replace(/([\\`*_{}[\]()#+!|<>~])/g, '\\$1');
}

export interface MattermostMessage {
  attachments: MessageAttachment[];
}

export function mattermostMessage(f: ChatFacts): MattermostMessage {
  const { event } = f;
  const { name, id } = target(f);
  const title = fitEscaped(event.title, CHAT_TITLE_MAX, noMentions);
  const fields: NonNullable<MessageAttachment['fields']> = [
    { title: 'Severity', value: SEVERITY_WORD[event.severity], short: true },
    { title: 'Status', value: event.status, short: true },
    { title: 'Source', value: fitEscaped(event.source_name, CHAT_TITLE_MAX, mattermostEscape), short: true },
    { title: name, value: `[${id}](${f.link})`, short: true },
  ];
  if (event.tags.length) fields.push({ title: 'Tags', value: fitEscaped(event.tags.join(', '), CHAT_BODY_TEXT_MAX, mattermostEscape), short: false });
  return {
    attachments: [{
      // Notifications and clients without formatting show this: plain text.
      fallback: `[${SEVERITY_WORD[event.severity]}] ${title} — ${name} ${id}: ${f.link}`,
      color: SEVERITY_COLOR[event.severity],
      title,
      title_link: f.link,
      text: event.body ? fitEscaped(event.body, Math.min(CHAT_BODY_TEXT_MAX, MATTERMOST_TEXT_MAX), mattermostEscape) : '',
      fields,
      footer: 'Switchyard',
    }],
  };
}

// ---- Microsoft Teams: a Workflows webhook message carrying an Adaptive Card ----
// (Office 365 connectors are retired; Workflows take {type: "message", attachments: [card]}.)

/** Adaptive Card text colours (TextBlock.color) by severity. */
const TEAMS_COLOR: Record<Severity, 'Attention' | 'Warning' | 'Accent' | 'Default'> = {
  critical: 'Attention', high: 'Attention', medium: 'Warning', low: 'Accent', informational: 'Default', pending: 'Default',
};

/** TextBlock and fact text is Markdown: escape what would format or link. */
export function teamsEscape(s: string): string {
  return s.replace(/([\\`*_{}[\]()#+!|<>~])/g, '\\$1');
}

/** 1.4: the Adaptive Card version Teams renders on every client for cards posted through Workflows. */
export const ADAPTIVE_CARD_VERSION = '1.4';

function teamsCard(f: ChatFacts, textMax: number) {
  const { event } = f;
  const { name, id } = target(f);
  const esc = (s: string, max: number) => fitEscaped(s, max, teamsEscape);
  const facts = [
    { title: 'Severity', value: SEVERITY_WORD[event.severity] },
    { title: 'Status', value: event.status },
    { title: 'Source', value: esc(event.source_name, CHAT_TITLE_MAX) },
    { title: name, value: id },
    ...(event.tags.length && textMax > 0 ? [{ title: 'Tags', value: esc(event.tags.join(', '), textMax) }] : []),
  ];
  return {
    type: 'message',
    attachments: [{
      contentType: 'application/vnd.microsoft.card.adaptive',
      contentUrl: null,
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        type: 'AdaptiveCard',
        version: ADAPTIVE_CARD_VERSION,
        body: [
          { type: 'TextBlock', text: esc(event.title, CHAT_TITLE_MAX), size: 'Large', weight: 'Bolder', wrap: true },
          { type: 'TextBlock', text: SEVERITY_WORD[event.severity], color: TEAMS_COLOR[event.severity], weight: 'Bolder', spacing: 'None' },
          { type: 'FactSet', facts },
          ...(event.body && textMax > 0 ? [{ type: 'TextBlock', text: esc(event.body, textMax), wrap: true }] : []),
        ],
        actions: [{ type: 'Action.OpenUrl', title: 'Open in Switchyard', url: f.link }],
        msteams: { width: 'Full' },
      },
    }],
  };
}

/**
 * The card with as much body and tags as fit Teams' message size (text that JSON escapes,
 * like control characters, can take six bytes a character): less text until it fits.
 */
export function teamsMessage(f: ChatFacts): ReturnType<typeof teamsCard> {
  for (const textMax of [CHAT_BODY_TEXT_MAX, CHAT_BODY_TEXT_MAX / 4, 0]) {
    const card = teamsCard(f, textMax);
    if (Buffer.byteLength(JSON.stringify(card)) <= TEAMS_MESSAGE_BYTES_MAX) return card;
  }
  return teamsCard(f, 0);
}
