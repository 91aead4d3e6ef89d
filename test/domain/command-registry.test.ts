/**
 * One registry routes every command: each type names exactly one module, `execute` runs the module of the type it is
 * given on the stream that module names, checks the input with that module's schema first, and gives the caller the
 * module's own result type.
 */
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { apiKeyCommands } from '../../domain/api-key/api-key-commands.js';
import { calendarCommands } from '../../domain/calendar/calendar-commands.js';
import { COMMANDS, type CommandInput, type CommandResult } from '../../domain/command-registry.js';
import { subjectCommands } from '../../domain/metadata/subject-commands.js';
import type { PersonEvent, PersonState } from '../../domain/person/person.js';
import { personCommands } from '../../domain/person/person-commands.js';
import { type PushRecall, pushCommands } from '../../domain/push/push-commands.js';
import type { ResourceEvent, ResourceState } from '../../domain/resource/resource.js';
import { resourceCommands } from '../../domain/resource/resource-commands.js';
import { synonymCommands } from '../../domain/search/synonym-commands.js';
import type { Handled } from '../../domain/shared/command-handler.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { siteCommands } from '../../domain/site/site-claims.js';
import { at, emptyPlatform, type PlatformFixture, SYSTEM } from '../support/platform-fixture.js';

const AREAS = [
  personCommands,
  siteCommands,
  resourceCommands,
  pushCommands,
  apiKeyCommands,
  subjectCommands,
  calendarCommands,
  synonymCommands,
];

describe('command registry', () => {
  it('holds every area’s commands, each type exactly once', () => {
    const types = AREAS.flatMap((area) => Object.keys(area));
    expect(new Set(types).size).toBe(types.length);
    expect(Object.keys(COMMANDS).sort()).toEqual([...types].sort());
    for (const [type, module] of Object.entries(COMMANDS)) {
      expect(['stream', 'process'], type).toContain(module.kind);
      expect(typeof module.input.safeParse, type).toBe('function');
    }
  });

  it('types each command’s input and result from its module', () => {
    expectTypeOf<CommandInput<'SubmitResource'>>().toEqualTypeOf<{ resourceId: string }>();
    expectTypeOf<CommandResult<'DraftResource'>>().toEqualTypeOf<Handled<ResourceState, ResourceEvent>>();
    expectTypeOf<CommandResult<'RegisterPerson'>>().toEqualTypeOf<Handled<PersonState, PersonEvent>>();
    expectTypeOf<CommandResult<'RecallPush'>>().toEqualTypeOf<PushRecall>();
  });

  describe('execute', () => {
    let f: PlatformFixture;
    beforeEach(async () => {
      f = await emptyPlatform();
    });
    afterEach(async () => f.dispose());

    it('runs the module of the type it is given, on the stream that module names', async () => {
      const registered = await f.platform.execute('RegisterPerson', { personId: 'admin', name: '平台管理员' }, SYSTEM);
      expect(registered.state.exists).toBe(true);
      const granted = await f.platform.execute(
        'GrantPlatformRole',
        { personId: 'admin', role: 'platform_admin', reason: '初始化' },
        SYSTEM,
      );
      expect(granted.role).toBe('system');
      const added = await f.platform.execute(
        'AddSubject',
        { top: '综合政务', second: '网站集约化', reason: '新增' },
        at('admin'),
      );
      expect(added.role).toBe('platform_admin');
      expect((await f.store.readStream('person-admin')).map((e) => e.type)).toEqual([
        'PersonRegistered',
        'PlatformRoleGranted',
      ]);
      expect((await f.store.readStream('subject-taxonomy')).map((e) => [e.type, e.metadata.actorRole])).toEqual([
        ['SubjectAdded', 'platform_admin'],
      ]);
    });

    it('checks the input with the module’s schema before anything else, and writes nothing when it is bad', async () => {
      for (const [type, input, fields] of [
        ['RegisterPerson', { personId: 'a b', name: '' }, ['name', 'personId']],
        ['OpenSite', { siteId: 'x' }, ['approvedBy', 'domains', 'hostUnit', 'kind', 'name', 'reason']],
        ['RecallPush', { pushId: 'p', reason: ' ', extra: 1 }, ['', 'reason']],
      ] as const) {
        const error = await f.platform.execute(type, input as never, SYSTEM).catch((e: unknown) => e);
        expect(error, type).toBeInstanceOf(DomainError);
        expect((error as DomainError).code).toBe('BAD_USER_INPUT');
        expect((error as DomainError).category).toBe('BAD_USER_INPUT');
        expect([...new Set((error as DomainError).details.map((d) => d.path))].sort(), type).toEqual(fields);
      }
      expect(await f.store.headPosition()).toBeNull();
    });
  });
});
