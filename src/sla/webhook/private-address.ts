import ipaddr from 'ipaddr.js';

/**
 * Address ranges a webhook may only reach when its endpoint allows private addresses: loopback,
 * RFC 1918 private, link-local (cloud metadata lives at 169.254.169.254), unique-local (fc00::/7),
 * unspecified, carrier-grade NAT, multicast, broadcast and the reserved blocks. Named by ipaddr.js'
 * `range()`, so the table of ranges is the library's, not ours.
 */
const PUBLIC_RANGES = new Set(['unicast']);

/**
 * True when `address` (an IPv4 or IPv6 literal) is a public unicast address. An IPv4-mapped IPv6
 * address (`::ffff:127.0.0.1`) is judged as the IPv4 address it carries; NAT64 and 6to4 forms
 * likewise carry an IPv4 address that decides. Anything that is not an address is not public.
 */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) return false;
  let parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    const range = v6.range();
    // 6to4 (2002::/16) and NAT64 (64:ff9b::/96) reach the IPv4 address inside them.
    if (range === '6to4')
      return isPublicAddress(ipaddr.fromByteArray(v6.toByteArray().slice(2, 6)).toString());
    if (range === 'rfc6052')
      return isPublicAddress(ipaddr.fromByteArray(v6.toByteArray().slice(12)).toString());
    // Global unicast only (2000::/3); teredo and the rest are refused with the private ranges.
    return PUBLIC_RANGES.has(range);
  }
  return PUBLIC_RANGES.has(parsed.range());
}

/** True when `host` (a URL's hostname) is an IP literal rather than a name to resolve. */
export function isAddressLiteral(host: string): boolean {
  return ipaddr.isValid(host.replace(/^\[|\]$/g, ''));
}

/** Names that always mean this machine, whatever DNS says. */
export function isLocalName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}
