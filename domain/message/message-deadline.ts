/**
 * Answer deadlines of public messages (R-SUP-2, P-art.25: 网友留言5个工作日内答复，最迟不超过10个工作日，简单咨询类留言1个
 * 工作日内答复), in working days of the official calendar, counted from the day the message arrived (day 0, see
 * domain/calendar/working-calendar.ts). A deadline is a date: the answer is on time if it is public by the end of it.
 */
import { chinaDateOf, type WorkingCalendar } from '../calendar/index.js';
import { DomainError } from '../shared/domain-error.js';

export const MESSAGE_CATEGORIES = ['simple', 'normal'] as const;
export type MessageCategory = (typeof MESSAGE_CATEGORIES)[number];

export const ANSWER_WORKING_DAYS: Record<MessageCategory, number> = { simple: 1, normal: 5 };
/** No extension goes past this many working days after the message arrived. */
export const MAX_ANSWER_WORKING_DAYS = 10;

export function answerDueDate(calendar: WorkingCalendar, receivedAt: string, workingDays: number): string {
  return calendar.addWorkingDays(chinaDateOf(receivedAt), workingDays);
}

export function checkExtension(current: number, asked: number): void {
  if (asked > MAX_ANSWER_WORKING_DAYS)
    throw new DomainError(
      'BAD_USER_INPUT',
      'EXTENSION_TOO_LONG',
      `留言答复期限最迟不超过 ${MAX_ANSWER_WORKING_DAYS} 个工作日（申请 ${asked} 个）`,
      `an answer is due within ${MAX_ANSWER_WORKING_DAYS} working days at the latest (${asked} asked)`,
      [{ path: 'workingDays', message: `at most ${MAX_ANSWER_WORKING_DAYS}` }],
      'R-SUP-2',
    );
  if (asked <= current)
    throw new DomainError(
      'BAD_USER_INPUT',
      'EXTENSION_NOT_LATER',
      `延期后的期限（${asked} 个工作日）应晚于现有期限（${current} 个工作日）`,
      `an extension must give more than the ${current} working days the message already has (${asked} asked)`,
      [{ path: 'workingDays', message: `more than ${current}` }],
      'R-SUP-2',
    );
}
