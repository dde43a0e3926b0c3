// Whether a recorded attempt succeeded: an HTTP attempt got a 2xx with its whole answer; an
// e-mail attempt (no HTTP response) was accepted by the SMTP server. Every failure that is
// not an HTTP status (timeout, connection, refused address, SMTP) carries an error class.
export function attemptSucceeded(a: { response: { status: number } | null; error_class: string | null }): boolean {
  if (a.error_class !== null) return false;
  return a.response === null || (a.response.status >= 200 && a.response.status <= 299);
}
