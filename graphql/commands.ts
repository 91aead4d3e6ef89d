/**
 * Mutations run commands through here: the request's identity, the GraphQL input without the nulls GraphQL sends
 * for absent optional fields, and an answer only once this process's read models hold the write, so that the
 * client's next query sees it.
 */
import type { CommandInput, CommandResult, CommandType } from '../domain/command-registry.js';
import { commandMeta } from './auth/authorise.js';
import type { Context } from './context.js';

type Present<T> = Exclude<T, null>;
/** An input object as GraphQL gives it, with its absent fields (and those of the objects in its lists) left out. */
export type WithoutNulls<T> = {
  [K in keyof T]: Present<T[K]> extends Array<infer Item>
    ? Item extends object
      ? Array<WithoutNulls<Item>>
      : Present<T[K]>
    : Present<T[K]>;
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Drops null fields of the input and of the objects in its lists; values of JSON scalars are left as sent. */
export function withoutNulls<T extends object>(input: T): WithoutNulls<T> {
  const entries = Object.entries(input)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => [
      key,
      Array.isArray(value) ? value.map((item) => (isPlainObject(item) ? withoutNulls(item) : item)) : value,
    ]);
  return Object.fromEntries(entries) as WithoutNulls<T>;
}

export async function runCommand<T extends CommandType>(
  context: Pick<Context, 'viewer' | 'services' | 'requestId' | 'idempotencyKey'>,
  type: T,
  input: CommandInput<T>,
): Promise<CommandResult<T>> {
  const result = await context.services.platform.execute(type, input, commandMeta(context));
  await context.services.readModels.settled(result.position);
  return result;
}
