// A PostgreSQL URL as it may be shown (start-up lines, errors, logs): its password masked.

export function maskedDatabaseUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password) url.password = '***';
    // node-postgres also takes them from the query string.
    for (const name of ['password', 'sslpassword']) if (url.searchParams.has(name)) url.searchParams.set(name, '***');
    return url.toString();
  } catch {
    return '(not a URL)';
  }
}
