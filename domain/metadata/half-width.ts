/**
 * Full-width forms (U+FF01..U+FF5E) are how Chinese input methods type digits and ASCII punctuation; legacy pages mix
 * them freely with half-width ones, so every parser first folds them onto ASCII. U+3000 (ideographic space) becomes a
 * plain space for the same reason. Other characters, brackets such as 〔〕 included, are left alone.
 */
export function toHalfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E\u3000]/g, (c) =>
    c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );
}
