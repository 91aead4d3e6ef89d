/** The verifier's own writing of tlog-tiles paths: 3-digit groups, `x` before all but the last, `.p/<W>` when partial. */
export function tileUrlPath(level: number | 'entries' | 'entries-u32', index: number, width: number): string {
  const groups: string[] = [];
  let rest = index;
  do {
    groups.unshift(String(rest % 1000).padStart(3, '0'));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  const n = groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
  return `tile/${level}/${n}${width === 256 ? '' : `.p/${width}`}`;
}

/** Width of tile `index` at `level` for a tree of `size` leaves (0: none). */
export function widthOf(size: number, level: number, index: number): number {
  return Math.max(0, Math.min(256, Math.floor(size / 256 ** level) - index * 256));
}
