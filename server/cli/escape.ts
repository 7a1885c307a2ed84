/** Output of the operator CLIs, made safe for a terminal. */
/**
 * What the CLI prints comes partly from members (claim receipts, order ids,
 * notes): control, bidi and zero-width characters and lone surrogates are
 * shown as `\u{…}` escapes, so no text can forge a line, move the cursor or
 * retitle the operator's terminal.
 */
export function escapeForTerminal(line: string): string {
  return line.replace(
    /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ud800-\udfff]/gu,
    (ch) => `\\u{${ch.codePointAt(0)!.toString(16)}}`,
  );
}
