/** Perfex names staff languages in words (`english`); locale files use ISO codes. */
const PERFEX_LANGUAGES: Record<string, string> = { english: 'en', german: 'de', spanish: 'es' };

/** The module's locale code for a Perfex staff language (unknown or empty: English). */
export function languageCode(perfexLanguage: string | null | undefined): string {
  if (!perfexLanguage) return 'en';
  return (
    PERFEX_LANGUAGES[perfexLanguage.toLowerCase()] ?? (perfexLanguage.length === 2 ? perfexLanguage : 'en')
  );
}

/** The locale code of a Perfex language the module speaks, or null (`french`: no locale file). */
export function knownLanguageCode(perfexLanguage: string): string | null {
  return PERFEX_LANGUAGES[perfexLanguage.trim().toLowerCase()] ?? null;
}

/** The option holding the install's default language (`english`, ...), used where no person is addressed. */
export const INSTALL_LANGUAGE_OPTION = 'active_language';
