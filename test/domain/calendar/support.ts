import { expect } from 'vitest';
import type { HolidayArrangement } from '../../../domain/calendar/index.js';
import { DomainError } from '../../../domain/shared/domain-error.js';

/** The DomainError `act` throws; fails the test when it throws nothing or something else. */
export function domainErrorOf(act: () => unknown): DomainError {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a DomainError, but nothing was thrown');
}

/**
 * An illustrative arrangement for 2030, which has not been announced: New Year's Day and a National Day break with two
 * adjusted working days, enough to tell a recorded year from ordinary weeks.
 */
export const arrangement2030: HolidayArrangement = {
  year: 2030,
  holidays: [
    '2030-01-01',
    '2030-10-01',
    '2030-10-02',
    '2030-10-03',
    '2030-10-04',
    '2030-10-05',
    '2030-10-06',
    '2030-10-07',
  ],
  adjustedWorkdays: ['2030-09-29', '2030-10-12'],
};
