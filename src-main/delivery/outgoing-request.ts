// The headers of a request to an HTTP destination: its own headers, the HEC token, and the
// Standard Webhooks signature over the body (the current secret, and the replaced one during
// its grace period). One place, so a test send is signed and authenticated exactly as the
// deliveries that follow it.
import type { Destination } from '../core/destination-types';
import { signingSecrets } from '../core/destinations';
import { toHeaderRecord } from './headers';
import { signHeaders } from './signing';

export function outgoingHeaders(dest: Destination, messageId: string, body: string, at: Date): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Switchyard/0.1',
    ...toHeaderRecord(dest.headers),
    ...(dest.kind === 'splunk_hec' && dest.token ? { authorization: `Splunk ${dest.token}` } : {}),
    ...signHeaders({ secrets: signingSecrets(dest, at), id: messageId, timestamp: Math.floor(at.getTime() / 1000), body }),
  };
}
