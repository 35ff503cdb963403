import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { isAddressLiteral, isLocalName, isPublicAddress } from '../../sla/webhook/private-address';

/** A webhook host that resolves to (or is) an address the endpoint may not reach. */
export class AddressRefusedError extends Error {
  readonly code = 'address_refused';
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(
      `refused ${host === address ? address : `${host} (${address})`}: a private, loopback or link-local address ` +
        '(allow private addresses for this endpoint to reach it)',
    );
  }
}

/**
 * Throws AddressRefusedError when the URL's host is an IP literal (or `localhost`) that is not
 * public. Literals never reach the resolver, so `guardedLookup` alone would miss them.
 */
export function checkLiteralHost(url: URL): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isLocalName(host)) throw new AddressRefusedError(host, host);
  if (isAddressLiteral(host) && !isPublicAddress(host)) throw new AddressRefusedError(host, host);
}

/**
 * A `lookup` for the socket that resolves the name and refuses it when any address it resolves to
 * is not public. It runs for the connection itself, so a name that resolved to a public address
 * when the endpoint was saved and to 127.0.0.1 now (DNS rebinding) is refused at send time.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, options, (err, address, family) => {
    if (err) return callback(err, address, family);
    const all: { address: string; family: number }[] = Array.isArray(address)
      ? (address as dns.LookupAddress[])
      : [{ address: address as string, family: family ?? 4 }];
    const refused = all.find((a) => !isPublicAddress(a.address));
    if (refused) {
      const error = Object.assign(new AddressRefusedError(hostname, refused.address), {
        errno: undefined,
        syscall: 'lookup',
      }) as NodeJS.ErrnoException;
      return callback(error, '', 4);
    }
    callback(null, address, family);
  });
};
