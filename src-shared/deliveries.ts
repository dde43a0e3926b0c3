// Deliveries as the API answers them (routes/destinations.ts): the list's summaries, one
// delivery with its attempts, and what the stream's delivery.changed carries. Types only:
// the engine's records (delivery/engine.ts) are shaped to these by the routes.

export type DeliveryStatus = 'pending' | 'succeeded' | 'dead';

export interface DeliverySummary {
  id: string;
  destination_id: string;
  event_id: string | null;
  alert_id: string | null;
  status: DeliveryStatus;
  attempt_count: number;
  next_attempt_at: string | null;
  origin: 'event' | 'test' | 'redeliver';
  created_at: string;
  updated_at: string;
}

export interface AttemptView {
  at: string;
  duration_ms: number;
  /** Headers with secrets masked. */
  request: { url: string; headers: Record<string, string>; body: string };
  response: { status: number; headers: Record<string, string>; body: string } | null;
  error_class: string | null;
  error: string | null;
}

export interface DeliveryView extends DeliverySummary {
  organization: string;
  body: string;
  attempts: AttemptView[];
  dead_reason: string | null;
  redelivery_of: string | null;
}

/** What the stream's delivery.changed carries. */
export type DeliveryChange = Pick<DeliverySummary, 'id' | 'destination_id' | 'event_id' | 'alert_id' | 'status' | 'attempt_count' | 'next_attempt_at'>;
