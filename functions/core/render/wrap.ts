/**
 * Greedy word wrap, line by line, the way html-to-text fills a line: a word goes on the line if
 * it and one space fit in what is left, else it starts the next; a word longer than the width
 * stands alone and overflows, because URLs must not break. Words are separated by single spaces.
 * Scans with indexOf rather than splitting into arrays: it runs on every email sent.
 */
export function wrapLines(text: string, width: number): string {
  let out = '';
  let from = 0;
  while (from <= text.length) {
    let end = text.indexOf('\n', from);
    if (end < 0) end = text.length;
    out += end - from <= width ? text.slice(from, end) : wrapLine(text.slice(from, end), width);
    if (end < text.length) out += '\n';
    from = end + 1;
  }
  return out;
}

function wrapLine(line: string, width: number): string {
  let out = '';
  let lineStart = 0;
  let words = 0;
  let left = width;
  for (let word = 0; word <= line.length;) {
    let end = line.indexOf(' ', word);
    if (end < 0) end = line.length;
    const length = end - word;
    if (words > 0 && (left <= 0 || length + 1 > left)) {
      out += `${line.slice(lineStart, word - 1)}\n`;
      lineStart = word;
      words = 0;
      left = width;
    }
    left -= length + (words > 0 ? 1 : 0);
    words += 1;
    word = end + 1;
  }
  return out + line.slice(lineStart);
}
