/**
 * Years a government record of this library can carry: nothing predates the People's Republic, and a year past 2100
 * is a typo. Normalisers use the range to refuse (flag) a reading rather than accept a mistyped year.
 */
export const EARLIEST_YEAR = 1949;
export const LATEST_YEAR = 2100;

export function isPlausibleYear(year: number): boolean {
  return Number.isInteger(year) && year >= EARLIEST_YEAR && year <= LATEST_YEAR;
}
