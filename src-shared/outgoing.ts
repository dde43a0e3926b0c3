// Answers of the API about outgoing requests, as both sides read them: the address policy
// (GET /api/settings `outgoing`) and a test send's outcome (POST /api/destinations/{id}/test).
// Types only: src-main writes these shapes, src-renderer reads them.

/** How an attempt failed when no complete response arrived. */
export type SendErrorClass = 'timeout' | 'connection' | 'refused_address' | 'tls' | 'other';

/** The address policy as the API shows it, read from the tables the address check uses. */
export interface AddressPolicyView {
  allow_loopback: boolean;
  allow_private: boolean;
  loopback_ranges: string[];
  private_ranges: string[];
  /** Refused whatever the policy, each with why. */
  always_refused: { range: string; why: string }[];
}

/** One test attempt, made at once outside the delivery queue. */
export interface TestSendResult {
  /** A 2xx answer (or the SMTP server took the message). */
  ok: boolean;
  /** HTTP status; null when no response arrived (refused, timeout, connection) or for e-mail. */
  status: number | null;
  duration_ms: number;
  /** The first bytes of the response body (DELIVERY_RESPONSE_BODY_MAX), or the e-mail's message id. */
  response_excerpt: string | null;
  /** Set when it failed: `refused_address` when the address check refused the host. */
  error_class: SendErrorClass | null;
  error: string | null;
  /** What was sent: URL (or mailto:) and headers with secrets masked. */
  request: { url: string; headers: Record<string, string> };
}
