// "Connect a tool": the built-in ingest endpoints (GET /api/connect).
import type { IngestEndpoint } from '../../../src-main/core/ingest-endpoints';
import type { ConnectView } from '../../../src-shared/sources';
import { http } from './client';

export type { IngestEndpoint };

export const connectApi = {
  endpoints: () => http.get<ConnectView>('/api/connect'),
};
