/**
 * Business logic as plain functions (the Emmett style): `decide` turns a command and the current state into a
 * decision or throws a DomainError; `evolve` folds one event into the state. No I/O and no clock: time comes in the
 * command.
 *
 * A decision names the role the decider allowed the actor to act in, beside the events: the role is the decider's
 * finding (the first of the roles a rule accepts that the actor holds), so it is recorded in the events' metadata as
 * the decider found it, never worked out a second time beside it (R-REVIEW-5: who, in which role).
 */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

export interface Decision<Event extends DomainEvent> {
  /** The role the actor acts in (`system` for the platform itself). */
  role: string;
  /** Empty when the command changes nothing (it was already done). */
  events: Event[];
}

export interface Decider<State, Command, Event extends DomainEvent> {
  initialState: () => State;
  decide: (command: Command, state: State) => Decision<Event>;
  evolve: (state: State, event: Event) => State;
}

/** A decision acting in `role`. */
export function decided<Event extends DomainEvent>(role: string, ...events: Event[]): Decision<Event> {
  return { role, events };
}

/** Rebuilds a state from its events. */
export function fold<State, Event extends DomainEvent>(
  decider: Pick<Decider<State, never, Event>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce(decider.evolve, decider.initialState());
}
