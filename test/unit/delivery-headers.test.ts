// Destination header rules and masking for the attempt history.
import { describe, expect, it } from 'vitest';
import { maskHeaderValue, maskHeaders, toHeaderRecord, validateHeaders, type HeaderEntry } from '../../src-main/delivery/headers';
import { DESTINATION_HEADERS_MAX, DESTINATION_HEADER_VALUE_MAX } from '../../src-main/limits';

const many = (n: number): HeaderEntry[] => Array.from({ length: n }, (_, i) => ({ key: `X-H${i}`, value: `v${i}` }));

describe('validateHeaders', () => {
  it('accepts up to 25 headers, including the Armor example', () => {
    expect(DESTINATION_HEADERS_MAX).toBe(25);
    expect(validateHeaders(many(25))).toEqual([]);
    expect(validateHeaders([{ key: 'Authorization', value: 'Splunk hec_access_token' }])).toEqual([]);
    expect(validateHeaders([{ key: 'X-Tab', value: 'a\tb' }, { key: 'X-Latin1', value: 'café' }, { key: 'X-Empty', value: '' }])).toEqual([]);
  });

  it('refuses a 26th header', () => {
    expect(validateHeaders(many(26))).toEqual(['headers: at most 25 headers']);
  });

  it('refuses CR or LF in a value or a name, naming the entry', () => {
    expect(validateHeaders([{ key: 'X-Ok', value: 'fine' }, { key: 'X-Bad', value: 'a\r\nX-Injected: 1' }])).toEqual([
      'headers[1].value: must not contain CR or LF',
    ]);
    expect(validateHeaders([{ key: 'X-Bad\n', value: 'v' }])).toEqual(['headers[0].key: must not contain CR or LF']);
    expect(validateHeaders([{ key: 'X-A', value: 'lf\nonly' }, { key: 'X-B', value: 'cr\ronly' }])).toEqual([
      'headers[0].value: must not contain CR or LF', 'headers[1].value: must not contain CR or LF',
    ]);
  });

  it('uses the path it is given', () => {
    expect(validateHeaders([{ key: 'X', value: '\n' }], 'properties.headers')).toEqual(['properties.headers[0].value: must not contain CR or LF']);
  });

  it('requires header names to be tokens', () => {
    for (const key of ['', 'X Bad', 'X:Bad', 'Ünïcode', 'X(1)', 'X"q"']) {
      expect(validateHeaders([{ key, value: 'v' }])).toEqual([expect.stringMatching(/^headers\[0\]\.key: must be a valid header name/)]);
    }
    expect(validateHeaders([{ key: "X-Weird_But.Valid!#$%&'*+^`|~", value: 'v' }])).toEqual([]);
  });

  it('refuses headers the client or the signature sets, in any case', () => {
    for (const key of ['Host', 'content-length', 'Transfer-Encoding', 'Connection', 'Expect', 'Upgrade', 'Webhook-Signature', 'webhook-id']) {
      expect(validateHeaders([{ key, value: 'x' }])).toEqual([`headers[0].key: ${key} is set by Switchyard and cannot be configured`]);
    }
  });

  it('refuses other control characters, characters beyond Latin-1, over-long values and non-strings', () => {
    expect(validateHeaders([{ key: 'X-Nul', value: 'a\u0000b' }])).toEqual(['headers[0].value: must not contain control characters or characters beyond Latin-1']);
    expect(validateHeaders([{ key: 'X-Emoji', value: 'ok ✓' }])).toHaveLength(1);
    expect(validateHeaders([{ key: 'X-Long', value: 'a'.repeat(DESTINATION_HEADER_VALUE_MAX + 1) }])).toEqual([
      `headers[0].value: must be at most ${DESTINATION_HEADER_VALUE_MAX} characters`,
    ]);
    const notStrings = [{ key: 7, value: null }] as unknown as HeaderEntry[];
    expect(validateHeaders(notStrings)).toEqual(['headers[0].key: must be a string', 'headers[0].value: must be a string']);
  });
});

describe('toHeaderRecord', () => {
  it('keeps names as given and joins repeated names case-insensitively', () => {
    expect(toHeaderRecord([{ key: 'X-Tag', value: 'a' }, { key: 'Authorization', value: 'Bearer t' }, { key: 'x-tag', value: 'b' }])).toEqual({
      'X-Tag': 'a, b', Authorization: 'Bearer t',
    });
  });
});

describe('masking', () => {
  it('keeps the scheme of an Authorization value and masks the credentials', () => {
    expect(maskHeaderValue('Authorization', 'Splunk hec_access_token')).toBe('Splunk ***');
    expect(maskHeaderValue('authorization', 'Bearer eyJhbGciOi.abc.def')).toBe('Bearer ***');
    expect(maskHeaderValue('Authorization', 'Basic dXNlcjpwYXNz')).toBe('Basic ***');
    expect(maskHeaderValue('Proxy-Authorization', 'Custom-Scheme abc')).toBe('Custom-Scheme ***');
    expect(maskHeaderValue('Authorization', 'rawsecretvalue')).toBe('***');
  });

  it('masks values of secret-looking names entirely, without leaking a first word', () => {
    for (const name of ['X-Api-Key', 'X-Auth-Token', 'X-Secret', 'Cookie', 'X-Password', 'PRIVATE-TOKEN', 'X-Session-Id', 'X-Credentials']) {
      expect(maskHeaderValue(name, 'correct horse battery')).toBe('***');
    }
  });

  it('masks a credential scheme whatever the header is called, and leaves ordinary headers alone', () => {
    expect(maskHeaderValue('X-Upstream', 'Bearer abc')).toBe('Bearer ***');
    expect(maskHeaderValue('Content-Type', 'application/json')).toBe('application/json');
    expect(maskHeaderValue('X-Team', 'blue team')).toBe('blue team');
    expect(maskHeaderValue('webhook-signature', 'v1,abc=')).toBe('v1,abc=');
    expect(maskHeaderValue('X-Api-Key', '')).toBe('');
  });

  it('masks a whole record for the history', () => {
    expect(maskHeaders({ Authorization: 'Splunk abc', 'X-Api-Key': 'k', 'Content-Type': 'application/json' })).toEqual({
      Authorization: 'Splunk ***', 'X-Api-Key': '***', 'Content-Type': 'application/json',
    });
  });
});
