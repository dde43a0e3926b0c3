// Destination operations: editing in place (partial update, kind fixed, checks as on create,
// masked secrets sent back keep the saved ones), and the masked view answers give.
import { describe, expect, it } from 'vitest';
import {
  createDestination,
  emptyDestinationsConfig,
  publicDestination,
  rotateSigningSecret,
  signingSecrets,
  updateDestination,
  type DestinationPatch,
} from '../../src-main/core/destinations';
import type { DestinationInput, DestinationsConfig } from '../../src-main/core/destination-types';
import type { DomainError } from '../../src-main/core/errors';
import { maskHeaderValue, validateHeaders } from '../../src-main/delivery/headers';
import { DESTINATION_HEADERS_MAX } from '../../src-main/limits';

const T0 = new Date('2026-03-01T10:00:00.000Z');
const T1 = new Date('2026-03-01T11:00:00.000Z');
const ORG = 'org-a';
const createDeps = { validateHeaders, newSecret: () => 'whsec_c2VjcmV0' };
const updateDeps = { validateHeaders, maskHeader: maskHeaderValue };

function errorsOf(fn: () => unknown): { type: string; errors: string[] } {
  try {
    fn();
  } catch (err) {
    return { type: (err as Error).name, errors: (err as DomainError).errors };
  }
  throw new Error('expected the operation to throw');
}

function withOne(input: DestinationInput): { draft: DestinationsConfig; id: string } {
  const draft = emptyDestinationsConfig();
  const d = createDestination(draft, ORG, input, createDeps, T0);
  return { draft, id: d.id };
}

const webhook: DestinationInput = {
  name: 'Ops hook', kind: 'webhook', uri: 'http://127.0.0.1:9000/hook', event_type: ['security_event'], email_for_error: 'ops@example.com',
  headers: [{ key: 'Authorization', value: 'Bearer s3cret' }, { key: 'X-Team', value: 'soc' }, { key: 'X-Api-Key', value: 'k-123' }],
};
/** What a form holding the masked view sends back. */
const shownHeaders = (draft: DestinationsConfig) => publicDestination(draft.destinations[0], maskHeaderValue, T1).headers;

describe('updateDestination', () => {
  it('changes only the given fields and stamps updated_at', () => {
    const { draft, id } = withOne(webhook);
    const before = structuredClone(draft.destinations[0]);
    const { destination, uri_changed } = updateDestination(draft, ORG, id, { name: 'Renamed', enabled: false }, updateDeps, T1);
    expect(uri_changed).toBe(false);
    expect(destination).toEqual({ ...before, name: 'Renamed', enabled: false, updated_at: T1.toISOString() });
    expect(draft.destinations[0]).toBe(destination);
  });

  it('reports a URI change (the caller resets the circuit), and not an unchanged URI sent again', () => {
    const { draft, id } = withOne(webhook);
    expect(updateDestination(draft, ORG, id, { uri: webhook.uri }, updateDeps, T1).uri_changed).toBe(false);
    const changed = updateDestination(draft, ORG, id, { uri: 'https://receiver.local/new' }, updateDeps, T1);
    expect(changed.uri_changed).toBe(true);
    expect(changed.destination.uri).toBe('https://receiver.local/new');
  });

  it('refuses a change of kind, naming kind, and accepts the current kind sent again', () => {
    const { draft, id } = withOne(webhook);
    expect(errorsOf(() => updateDestination(draft, ORG, id, { kind: 'slack' }, updateDeps, T1))).toEqual({
      type: 'ValidationError', errors: ['kind: cannot be changed (this destination is webhook); create a new destination instead'],
    });
    expect(draft.destinations[0].kind).toBe('webhook');
    expect(updateDestination(draft, ORG, id, { kind: 'webhook', name: 'Same kind' }, updateDeps, T1).destination.name).toBe('Same kind');
  });

  it('checks like a create: URI, headers (CR/LF, reserved, count), and lists every problem; nothing changes on refusal', () => {
    const { draft, id } = withOne(webhook);
    const before = structuredClone(draft.destinations[0]);
    const refused = errorsOf(() => updateDestination(draft, ORG, id, {
      name: 'never saved',
      uri: 'ftp://files.local/x',
      headers: [{ key: 'X-Evil', value: 'a\r\nInjected: yes' }, { key: 'Content-Length', value: '1' }],
    }, updateDeps, T1));
    expect(refused.type).toBe('ValidationError');
    expect(refused.errors).toEqual([
      'uri: must be an http or https URL',
      'headers[0].value: must not contain CR or LF',
      'headers[1].key: Content-Length is set by Switchyard and cannot be configured',
    ]);
    expect(draft.destinations[0]).toEqual(before);
    expect(errorsOf(() => updateDestination(draft, ORG, id, { uri: 'not a url' }, updateDeps, T1)).errors).toEqual(['uri: is not a valid URL']);
    expect(errorsOf(() => updateDestination(draft, ORG, id, { uri: null }, updateDeps, T1)).errors).toEqual(['uri: is required for a webhook destination']);
    const tooMany = Array.from({ length: DESTINATION_HEADERS_MAX + 1 }, (_, i) => ({ key: `X-H${i}`, value: 'v' }));
    expect(errorsOf(() => updateDestination(draft, ORG, id, { headers: tooMany }, updateDeps, T1)).errors).toEqual([`headers: at most ${DESTINATION_HEADERS_MAX} headers`]);
  });

  it('keeps every saved header secret when the masked view is sent back unchanged', () => {
    const { draft, id } = withOne(webhook);
    const shown = shownHeaders(draft);
    expect(shown).toEqual([{ key: 'Authorization', value: 'Bearer ***' }, { key: 'X-Team', value: 'soc' }, { key: 'X-Api-Key', value: '***' }]);
    const { destination } = updateDestination(draft, ORG, id, { headers: shown, uri: 'http://127.0.0.1:9001/hook' }, updateDeps, T1);
    expect(destination.headers).toEqual(webhook.headers);
  });

  it('applies header edits around masked ones: a new value replaces the secret, a removed header goes, a renamed one matches any case', () => {
    const { draft, id } = withOne(webhook);
    const [auth, team] = shownHeaders(draft);
    const patch: DestinationPatch = { headers: [{ key: 'X-Team', value: 'noc' }, { key: 'authorization', value: auth.value }, { key: 'X-New', value: 'fresh' }] };
    expect(team.value).toBe('soc');
    expect(updateDestination(draft, ORG, id, patch, updateDeps, T1).destination.headers).toEqual([
      { key: 'X-Team', value: 'noc' }, { key: 'authorization', value: 'Bearer s3cret' }, { key: 'X-New', value: 'fresh' },
    ]);
    const replaced = updateDestination(draft, ORG, id, { headers: [{ key: 'Authorization', value: 'Bearer rotated' }] }, updateDeps, T1);
    expect(replaced.destination.headers).toEqual([{ key: 'Authorization', value: 'Bearer rotated' }]);
  });

  it('matches repeated masked headers to the saved ones in order', () => {
    const { draft, id } = withOne({ ...webhook, headers: [{ key: 'X-Token', value: 'one' }, { key: 'X-Token', value: 'two' }] });
    const { destination } = updateDestination(draft, ORG, id, { headers: shownHeaders(draft) }, updateDeps, T1);
    expect(destination.headers).toEqual([{ key: 'X-Token', value: 'one' }, { key: 'X-Token', value: 'two' }]);
  });

  it('never stores a mask: a masked-looking value with no saved header to keep is refused, naming the header', () => {
    const { draft, id } = withOne(webhook);
    const before = structuredClone(draft.destinations[0]);
    // The secret header was renamed in the form: its masked value belongs to no saved X-Other header.
    expect(errorsOf(() => updateDestination(draft, ORG, id, { headers: [{ key: 'X-Other', value: 'Bearer ***' }, { key: 'X-Key', value: '***' }] }, updateDeps, T1)).errors).toEqual([
      'headers[0].value: "Bearer ***" is a masked value and no saved X-Other header has it; send the real value',
      'headers[1].value: "***" is a masked value and no saved X-Key header has it; send the real value',
    ]);
    // One saved secret cannot fill two masked entries.
    expect(errorsOf(() => updateDestination(draft, ORG, id, { headers: [{ key: 'Authorization', value: 'Bearer ***' }, { key: 'Authorization', value: 'Bearer ***' }] }, updateDeps, T1)).errors).toEqual([
      'headers[1].value: "Bearer ***" is a masked value and no saved Authorization header has it; send the real value',
    ]);
    expect(draft.destinations[0]).toEqual(before);
  });

  it('keeps a header saved literally as "***" under a name that is not masked', () => {
    const { draft, id } = withOne({ ...webhook, headers: [{ key: 'X-Stars', value: '***' }] });
    expect(shownHeaders(draft)).toEqual([{ key: 'X-Stars', value: '***' }]);
    expect(updateDestination(draft, ORG, id, { headers: shownHeaders(draft) }, updateDeps, T1).destination.headers).toEqual([{ key: 'X-Stars', value: '***' }]);
  });

  it('splunk_hec: "***" keeps the saved token, a new token replaces it, an empty one is refused; the format stays splunk', () => {
    const { draft, id } = withOne({ name: 'HEC', kind: 'splunk_hec', uri: 'https://splunk.local:8088/services/collector/event', token: 'hec-token-1' });
    const shown = publicDestination(draft.destinations[0], maskHeaderValue, T1);
    expect(shown.token).toBe('***');
    expect(updateDestination(draft, ORG, id, { token: shown.token, format: 'default' }, updateDeps, T1).destination).toMatchObject({ token: 'hec-token-1', format: 'splunk' });
    expect(updateDestination(draft, ORG, id, { token: 'hec-token-2' }, updateDeps, T1).destination.token).toBe('hec-token-2');
    expect(errorsOf(() => updateDestination(draft, ORG, id, { token: null }, updateDeps, T1)).errors).toEqual(['token: is required for a splunk_hec destination']);
    expect(draft.destinations[0].token).toBe('hec-token-2');
  });

  it('refuses "***" as a token where none is saved', () => {
    const { draft, id } = withOne(webhook);
    expect(errorsOf(() => updateDestination(draft, ORG, id, { token: '***' }, updateDeps, T1)).errors).toEqual([
      'token: "***" is the masked view of a saved token and none is saved; send the token itself',
    ]);
  });

  it('email: the recipient stays required; enriched and the failure address change', () => {
    const { draft, id } = withOne({ name: 'SOC mail', kind: 'email', email_to: 'soc@example.com' });
    expect(errorsOf(() => updateDestination(draft, ORG, id, { email_to: null }, updateDeps, T1)).errors).toEqual(['email_to: is required for an email destination']);
    const { destination } = updateDestination(draft, ORG, id, { email_to: 'noc@example.com', email_enriched: true, email_for_error: null }, updateDeps, T1);
    expect(destination).toMatchObject({ email_to: 'noc@example.com', email_enriched: true, email_for_error: null });
  });

  it("is a not-found for an unknown id or another organization's destination", () => {
    const { draft, id } = withOne(webhook);
    expect(errorsOf(() => updateDestination(draft, ORG, 'nope', { name: 'x' }, updateDeps, T1))).toEqual({ type: 'NotFoundError', errors: ['id: no destination "nope"'] });
    expect(errorsOf(() => updateDestination(draft, 'org-b', id, { name: 'x' }, updateDeps, T1)).type).toBe('NotFoundError');
  });
});

describe('rotateSigningSecret and signingSecrets', () => {
  const DAY_S = 24 * 60 * 60;
  const secrets = ['whsec_b25l', 'whsec_dHdv', 'whsec_dGhyZWU='];
  const rotating = () => {
    const draft = emptyDestinationsConfig();
    const next = [...secrets];
    const d = createDestination(draft, ORG, webhook, { validateHeaders, newSecret: () => next.shift()! }, T0);
    return { draft, id: d.id, newSecret: () => next.shift()! };
  };
  const at = (base: Date, s: number) => new Date(base.getTime() + s * 1000);

  it('signs with the new secret first and the replaced one beside it until the grace ends, then with the new one alone', () => {
    const { draft, id, newSecret } = rotating();
    expect(signingSecrets(draft.destinations[0], T0)).toEqual(['whsec_b25l']);
    const d = rotateSigningSecret(draft, ORG, id, newSecret, DAY_S, T1);
    expect(d.previous_signing_secret).toEqual({ secret: 'whsec_b25l', expires_at: '2026-03-02T11:00:00.000Z' });
    expect(signingSecrets(d, T1)).toEqual(['whsec_dHdv', 'whsec_b25l']);
    expect(signingSecrets(d, at(T1, DAY_S - 1))).toEqual(['whsec_dHdv', 'whsec_b25l']);
    expect(signingSecrets(d, at(T1, DAY_S))).toEqual(['whsec_dHdv']);
  });

  it('grace 0 switches at once; a second rotation keeps only the secret it replaced', () => {
    const { draft, id, newSecret } = rotating();
    expect(signingSecrets(rotateSigningSecret(draft, ORG, id, newSecret, 0, T1), T1)).toEqual(['whsec_dHdv']);
    const again = rotateSigningSecret(draft, ORG, id, newSecret, 60, T1);
    expect(signingSecrets(again, T1)).toEqual(['whsec_dGhyZWU=', 'whsec_dHdv']);
  });

  it('the answers mask both secrets and show the previous one only while it signs', () => {
    const { draft, id, newSecret } = rotating();
    rotateSigningSecret(draft, ORG, id, newSecret, 60, T1);
    const during = publicDestination(draft.destinations[0], maskHeaderValue, at(T1, 59));
    expect(during).toMatchObject({ signing_secret: 'whsec_***', previous_signing_secret: { secret: 'whsec_***', expires_at: at(T1, 60).toISOString() } });
    expect(JSON.stringify(during)).not.toMatch(/b25l|dHdv/);
    expect(publicDestination(draft.destinations[0], maskHeaderValue, at(T1, 60)).previous_signing_secret).toBeNull();
  });
});
