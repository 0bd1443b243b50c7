/**
 * Adds the app's Content-Security-Policy to a response's headers. A policy already there is
 * kept: browsers enforce every policy present, so adding ours can only tighten, never loosen.
 */
export function withCspHeader(
  headers: Record<string, string[]> | undefined,
  csp: string,
): Record<string, string[]> {
  const result: Record<string, string[]> = { ...headers };
  const existing = Object.keys(result).find((name) => name.toLowerCase() === 'content-security-policy');
  const name = existing ?? 'Content-Security-Policy';
  result[name] = [...(result[name] ?? []), csp];
  return result;
}
