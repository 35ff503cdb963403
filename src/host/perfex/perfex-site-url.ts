import type { OptionStore } from '../host-context';

/**
 * The option the Perfex module keeps current with Perfex's own base URL (from `admin_url()`,
 * without `/admin/`): where staff open Perfex, sub-folder included, for links in emails.
 */
export const SITE_URL_OPTION = 'sla_vigil_site_url';

/** An http(s) URL without credentials, query or fragment, without its trailing slash; else null. */
export function readSiteUrl(value: string | null): string | null {
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password || url.search || url.hash)
    return null;
  return url.href.replace(/\/+$/, '');
}

/**
 * Perfex's base URL as the module last wrote it, held for synchronous use while an email is
 * rendered; `fallback` until the option is there (the module was never opened in Perfex's admin).
 */
export class PerfexSiteUrl {
  private value: string | null = null;

  constructor(
    private readonly options: OptionStore,
    private readonly fallback: string,
  ) {}

  get current(): string {
    return this.value ?? this.fallback;
  }

  async refresh(): Promise<void> {
    this.value = readSiteUrl(await this.options.get(SITE_URL_OPTION));
  }
}
