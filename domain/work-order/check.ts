/**
 * A check of the platform's sites (P-art.49: 周检测、月监测、季检查): who ran it, when, over which period, and every
 * problem it found, each of which becomes a work order (R-SUP-4). Stream `check-<checkId>`, written once.
 */
import { z } from 'zod';
import { type Actor, requirePlatformRole } from '../shared/actor.js';
import type { Aggregate } from '../shared/command-handler.js';
import { type Decider, decided } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';
import { id, isoDateTime } from '../shared/schemas.js';
import { finding } from './finding.js';

export const checkStream = (checkId: string) => `check-${checkId}`;

export const CHECK_KINDS = ['weekly', 'monthly', 'quarterly'] as const;

/** The work order of a check's n-th finding (from 1): stable, so a check run again after a crash finds its own. */
export const workOrderIdOf = (checkId: string, n: number) => `${checkId}.${n}`;

export const recordCheckSchema = z.strictObject({
  checkId: id,
  kind: z.enum(CHECK_KINDS),
  /** The sites it covered. */
  siteIds: z.array(id).min(1).max(1000),
  findings: z.array(finding).max(5000),
});

export const checkEventSchemas = {
  CheckRecorded: z.strictObject({
    ...recordCheckSchema.shape,
    findings: z.array(finding.extend({ workOrderId: id })),
    recordedAt: isoDateTime,
    by: id,
  }),
};
export type CheckRecorded = { type: 'CheckRecorded'; data: z.output<(typeof checkEventSchemas)['CheckRecorded']> };
export type RecordCheck = {
  type: 'RecordCheck';
  data: z.output<typeof recordCheckSchema>;
  actor: Actor;
  occurredAt: string;
};

export interface CheckState {
  exists: boolean;
  recorded: CheckRecorded['data'] | null;
}

export const checkDecider: Decider<CheckState, RecordCheck, CheckRecorded> = {
  initialState: () => ({ exists: false, recorded: null }),
  decide(command, state) {
    const role = requirePlatformRole(command.actor, 'supervisor');
    const { checkId, findings } = command.data;
    if (state.exists) {
      // The same check again (a retry after a crash) records nothing and lets its work orders be opened.
      const same =
        JSON.stringify(state.recorded?.findings.map(({ workOrderId: _, ...f }) => f)) === JSON.stringify(findings);
      if (same) return decided(role);
      throw new DomainError(
        'CONFLICT',
        'ALREADY_EXISTS',
        `检查 ${checkId} 已记录`,
        `check ${checkId} is already recorded`,
        [],
        'R-SUP-4',
      );
    }
    const sites = new Set(command.data.siteIds);
    const outside = findings.flatMap((f, i) =>
      sites.has(f.siteId)
        ? []
        : [{ path: `findings.${i}.siteId`, message: `${f.siteId} is not a site this check covers` }],
    );
    if (outside.length > 0)
      throw new DomainError(
        'BAD_USER_INPUT',
        'FINDING_OUTSIDE_CHECK',
        '问题所属站点不在本次检查范围内',
        'a finding names a site the check does not cover',
        outside,
      );
    return decided(role, {
      type: 'CheckRecorded',
      data: {
        ...command.data,
        findings: findings.map((f, i) => ({ ...f, workOrderId: workOrderIdOf(checkId, i + 1) })),
        recordedAt: command.occurredAt,
        by: command.actor.personId,
      },
    });
  },
  evolve: (_state, event) => ({ exists: true, recorded: event.data }),
};

export const checkAggregate: Aggregate<CheckState, RecordCheck, CheckRecorded> = {
  decider: checkDecider,
  eventSchemas: checkEventSchemas,
};
