/**
 * Tile coordinates and paths of C2SP tlog-tiles: the tree is kept and served as tiles of 256 consecutive hashes at
 * heights 0, 8, 16… (level L holds hashes of subtrees of 256^L leaves), with the partial tile at each level's right
 * edge. A tile index is written as 3-digit groups, every group but the last prefixed with `x` (1234067 is
 * `x001/x234/067`); a partial tile adds `.p/<width>`. Paths are canonical: one tile, one path, so caches hold one copy.
 */
import { HASH_SIZE } from './tree-hash.js';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
export const FULL_TILE_BYTES = TILE_WIDTH * HASH_SIZE;
/** tlog-tiles allows levels 0..63. */
export const MAX_TILE_LEVEL = 63;

/** How many hashes of level `level` a tree of `size` leaves has (complete subtrees of 256^level leaves). */
export function hashesAtLevel(size: number, level: number): number {
  return Math.floor(size / TILE_WIDTH ** level);
}

/**
 * Width of tile `index` at `level` in a tree of `size` leaves: 256 when full, 1..255 when it is the partial tile at
 * the right edge, 0 when the tree does not reach it.
 */
export function tileWidth(size: number, level: number, index: number): number {
  const available = hashesAtLevel(size, level) - index * TILE_WIDTH;
  return Math.max(0, Math.min(TILE_WIDTH, available));
}

export function encodeTileIndex(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new Error(`bad tile index ${index}`);
  const groups: string[] = [];
  let rest = index;
  do {
    groups.unshift(String(rest % 1000).padStart(3, '0'));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** `tile/<L>/<N>[.p/<W>]`, or `tile/entries/<N>[.p/<W>]` for an entry bundle (`level` 'entries'). */
export function tilePath(level: number | 'entries', index: number, width = TILE_WIDTH): string {
  const suffix = width === TILE_WIDTH ? '' : `.p/${width}`;
  return `tile/${level}/${encodeTileIndex(index)}${suffix}`;
}

export interface TileAddress {
  /** 'entries' for an entry bundle. */
  level: number | 'entries';
  index: number;
  /** 256 for a full tile. */
  width: number;
}

/**
 * Reads what follows `tile/` in a path: `<L or entries>/<N groups>[.p/<W>]`. Null for anything that is not the
 * canonical path of a tile (leading zeros, a missing `x`, a width of 0 or 256, a level above 63...).
 */
export function parseTilePath(path: string): TileAddress | null {
  const match = /^(0|[1-9][0-9]?|entries)\/((?:x[0-9]{3}\/)*)([0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(path);
  if (!match) return null;
  const [, levelText, prefix, last, widthText] = match;
  const level: number | 'entries' = levelText === 'entries' ? 'entries' : Number(levelText);
  if (level !== 'entries' && level > MAX_TILE_LEVEL) return null;
  const groups = [
    ...(prefix ?? '')
      .split('/')
      .filter(Boolean)
      .map((g) => g.slice(1)),
    last!,
  ];
  if (groups.length > 6) return null;
  const index = groups.reduce((n, g) => n * 1000 + Number(g), 0);
  const width = widthText === undefined ? TILE_WIDTH : Number(widthText);
  if (widthText !== undefined && width >= TILE_WIDTH) return null;
  const address: TileAddress = { level, index, width };
  // `x000/005` names tile 5 too; only the canonical `005` is a tile path.
  if (tilePath(level, index, width) !== `tile/${path}`) return null;
  return address;
}
