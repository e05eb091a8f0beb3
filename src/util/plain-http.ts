/**
 * Outbound URLs that carry secrets or buyer data (Meta's Graph API, the OMS webhook) must use
 * https, except to this machine (the sandbox, a receiver under test), where nothing crosses a
 * network. A setting allows plain http elsewhere on purpose (a compose network, a lab).
 */

/** localhost, *.localhost, 127.0.0.0/8 and ::1: names and addresses that never leave the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  return /^127(\.\d{1,3}){3}$/.test(host);
}

/** Why this URL may not be used, or undefined when it may: https, or http to loopback, or allowed. */
export function plainHttpProblem(url: string, allowPlainHttp: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol !== 'http:') return `${parsed.protocol.replace(/:$/, '')} is not http or https`;
  if (isLoopbackHost(parsed.hostname) || allowPlainHttp) return undefined;
  return 'plain http is allowed to this machine only (localhost, 127.0.0.1, ::1): use https, or allow plain http explicitly (ALLOW_PLAIN_HTTP=true) for a trusted network';
}
