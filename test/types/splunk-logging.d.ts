// Types for the parts of the `splunk-logging` npm client (Splunk's HEC logger) the tests use;
// the package ships none.
declare module 'splunk-logging' {
  export interface SplunkLoggerConfig {
    token: string;
    url?: string;
    maxBatchCount?: number;
    maxRetries?: number;
  }
  export interface SplunkContext {
    message: unknown;
    severity?: string;
    metadata?: { time?: number; host?: string; source?: string; sourcetype?: string; index?: string };
  }
  export type SplunkCallback = (err: Error | null, response: { statusCode: number; headers: Record<string, string> } | undefined, body: unknown) => void;
  export class Logger {
    constructor(config: SplunkLoggerConfig);
    send(context: SplunkContext, callback?: SplunkCallback): void;
    flush(callback?: SplunkCallback): void;
    /** Called with Splunk's error (its `code` set) or a request error. */
    error: (err: Error & { code?: number }, context: unknown) => void;
  }
}
