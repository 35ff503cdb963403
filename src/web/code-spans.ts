import { escapeHtml } from './escape-html';

/**
 * A translated sentence as HTML, with the parts it quotes in backticks (a command such as
 * `sla-vigil worker --every`) set as <code>, the way Markdown would; everything else escaped.
 * The locale files stay plain text, so the CSV, the API and the tests read them as written.
 */
export function withCode(text: string): string {
  return text
    .split(/(`[^`]+`)/)
    .map((part) =>
      part.length > 2 && part.startsWith('`') && part.endsWith('`')
        ? `<code>${escapeHtml(part.slice(1, -1))}</code>`
        : escapeHtml(part),
    )
    .join('');
}
