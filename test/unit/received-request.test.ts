// The query string and headers an event keeps: secrets masked by name, everything else as sent.
import { describe, expect, it } from 'vitest';
import { receivedHeaders, receivedQuery } from '../../src-main/server/received-request';

describe('receivedQuery', () => {
  it('keeps the query as sent and masks the values of secret-named parameters, however they are encoded', () => {
    expect(receivedQuery('')).toBe('');
    expect(receivedQuery('a=1&flag&b=x+y&c=%41')).toBe('a=1&flag&b=x+y&c=%41');
    expect(receivedQuery('api%5Fkey=abc&Token=t&sig=s&x-signature=v&password=p')).toBe('api%5Fkey=***&Token=***&sig=s&x-signature=***&password=***');
    expect(receivedQuery('token=%E0%A4%A&ok=%ZZ')).toBe('token=***&ok=%ZZ'); // malformed escapes do not throw
    expect(receivedQuery('token=')).toBe('token=');
  });
});

describe('receivedHeaders', () => {
  it('pairs Node rawHeaders in order, with repeated names kept and secrets masked', () => {
    expect(receivedHeaders(['Host', 'h', 'X-Tag', 'a', 'x-tag', 'b', 'Authorization', 'Basic dXNlcjpwYXNz', 'X-Signature', 'abc', 'Idempotency-Key', 'k1'])).toEqual({
      headers: [['Host', 'h'], ['X-Tag', 'a'], ['x-tag', 'b'], ['Authorization', 'Basic ***'], ['X-Signature', '***'], ['Idempotency-Key', 'k1']],
      omitted: 0,
    });
  });
});
