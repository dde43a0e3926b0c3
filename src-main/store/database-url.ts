// A PostgreSQL URL as it may be shown (start-up lines, errors, logs): its password masked.

export function maskedDatabaseUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(not a URL)';
  }
}
