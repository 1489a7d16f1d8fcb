/**
 * Plain text made safe to place in Markdown: every character CommonMark could read as markup is
 * backslash-escaped (CommonMark allows a backslash before any ASCII punctuation), so a card called
 * "Set up *backups*" stays those words rather than turning italic.
 * https://spec.commonmark.org/0.31.2/#backslash-escapes
 */
const INLINE_MARKUP = /[\\`*_[\]<>~|!]/g;

export function escapeMarkdown(text: string): string {
  return text
    .replace(INLINE_MARKUP, (char) => `\\${char}`)
    .split('\n')
    .map(escapeLineStart)
    .join('\n');
}

/** Markup that counts only at the start of a line: headings, quotes, list markers, rules. */
function escapeLineStart(line: string): string {
  return line.replace(/^(\s*)([#>+=-]|\d+(?=[.)]))/, (_match, space: string, mark: string) =>
    /^\d+$/.test(mark) ? `${space}${mark}\\` : `${space}\\${mark}`,
  );
}
