/**
 * Why the server ends or refuses a subscription to protect the others: a subscriber whose socket fell too far behind
 * (its messages would pile up in the server's memory), and an identity holding too many subscriptions at once.
 */
import { RequestRefused } from '../errors.js';

/** The WebSocket close code of a connection closed because it fell behind (4400-4499: the client's side). */
export const TOO_SLOW_CLOSE_CODE = 4413;
/** WebSocket close reasons are at most 123 bytes. */
const MAX_CLOSE_REASON_BYTES = 123;

export class SubscriberTooSlow extends RequestRefused {
  constructor(
    readonly field: string,
    lastCursor: string | null,
    boundBytes: number,
  ) {
    super(
      'SUBSCRIBER_TOO_SLOW',
      `the ${field} subscription fell more than ${boundBytes} bytes behind (the socket did not read what was sent), so the server ended it and closes the connection after the data already sent: ${
        lastCursor
          ? `subscribe again with after: "${lastCursor}" (the cursor of the last message sent)`
          : 'no message was sent yet: subscribe again with the cursor of the last message received, if any'
      }`,
      429,
      [],
      'RATE_LIMITED',
      lastCursor,
    );
  }

  /** The close reason: the code and where to resume, within the 123 bytes a close frame allows. */
  get closeReason(): string {
    const reason = this.cursor
      ? `SUBSCRIBER_TOO_SLOW: resume ${this.field} after ${this.cursor}`
      : `SUBSCRIBER_TOO_SLOW: resume ${this.field} from the last cursor received`;
    return Buffer.from(reason).subarray(0, MAX_CLOSE_REASON_BYTES).toString();
  }
}

export class TooManySubscriptions extends RequestRefused {
  constructor(limit: number) {
    super(
      'TOO_MANY_SUBSCRIPTIONS',
      `this identity already holds ${limit} open subscriptions on this server (SUBSCRIPTIONS_PER_IDENTITY): stop one before starting another`,
      429,
      [],
      'RATE_LIMITED',
    );
  }
}
