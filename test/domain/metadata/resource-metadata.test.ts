import { describe, expect, it } from 'vitest';
import {
  missingOptionalFields,
  type ResourceMetadataInput,
  resourceMetadataInputSchema,
  resourceMetadataSchema,
  SubjectTaxonomy,
  validateResourceMetadata,
} from '../../../domain/metadata/index.js';
import { DomainError } from '../../../domain/shared/domain-error.js';

// The spec's example code with its check character corrected (the spec's N fails GB 32100; see organisation-code.test).
const PUBLISHER_CODE = '11341500003089416J';
const SHA = 'a'.repeat(64);

function policy(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: '六安市人民政府办公室关于印发六安市政府网站集约化平台管理暂行办法的通知',
    body: '<p>第一条 为规范六安市政府网站集约化平台运行管理工作，制定本办法。</p>',
    publisher: '六安市人民政府办公室',
    publisherCode: PUBLISHER_CODE,
    docNumber: '六政办秘〔2021〕148号',
    writtenAt: '2021-12-16',
    subject: '综合政务/电子政务',
    genre: '通知',
    disclosure: '主动公开',
    validity: '有效',
    resourceType: 'policy',
    format: 'text/html',
    ...overrides,
  };
}

function news(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: '市政府办召开政府网站集约化工作推进会',
    body: '会议要求各单位按时完成网站迁移。',
    publisher: '六安市人民政府办公室',
    publisherCode: PUBLISHER_CODE,
    subject: '综合政务/政务公开',
    genre: '新闻',
    disclosure: '主动公开',
    resourceType: 'article',
    format: 'text/html',
    ...overrides,
  };
}

function without(record: Record<string, unknown>, ...fields: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !fields.includes(key)));
}

function refusal(input: unknown, taxonomy?: SubjectTaxonomy): DomainError {
  try {
    validateResourceMetadata(input, taxonomy);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the metadata to be refused');
}

function problems(input: unknown, taxonomy?: SubjectTaxonomy): Record<string, string> {
  return Object.fromEntries(refusal(input, taxonomy).details.map((d) => [d.path, d.message]));
}

describe('validateResourceMetadata', () => {
  it('R-LIB-2: accepts complete metadata and fills the defaults (language zh-CN, sharing 无条件共享)', () => {
    const metadata = validateResourceMetadata(policy());
    expect(metadata).toEqual({ ...policy(), language: 'zh-CN', sharing: '无条件共享' });
  });

  it('accepts every field of the uniform metadata', () => {
    const full = policy({
      subtitle: '六政办秘〔2021〕148号',
      summary: '规范全市政府网站集约化平台的建设、运行和管理。',
      effectiveAt: '2022-01-01',
      expiresAt: '2023-12-31',
      audience: '全部',
      keywords: ['集约化', '政府网站', '政务新媒体'],
      language: 'zh-Hans-CN',
      attachments: [{ name: '附件1.pdf', mediaType: 'application/pdf', size: 123_456, sha256: SHA }],
      relations: [
        { kind: 'cites', indexNumber: '113417030032499282/2020-00140' },
        { kind: 'interprets', resourceId: 'resource-42' },
      ],
      source: {
        system: '六安市政府网站群（旧）',
        originalId: '1979500',
        originalUrl: 'https://www.luan.gov.cn/content/detail/61bb0e5b7f8b9a0f1b8b4567.html',
        migratedAt: '2025-11-26T10:00:00+08:00',
      },
      sharing: '有条件共享',
      sharingCondition: '仅限政务服务使用，不得对外转载',
    });
    expect(validateResourceMetadata(full)).toEqual(full);
  });

  it('R-LIB-2: normalises values on the way in: document number, language tag, codes and hashes, spaces', () => {
    const metadata = validateResourceMetadata(
      policy({
        title: '  关于印发暂行办法的通知 ',
        docNumber: '六政办秘〔2021148',
        publisherCode: PUBLISHER_CODE.toLowerCase(),
        language: 'zh-cn',
        format: 'TEXT/HTML',
        subject: ' 综合政务 / 电子政务 ',
        attachments: [{ name: '附件.pdf', mediaType: 'Application/PDF', size: 1, sha256: SHA.toUpperCase() }],
      }),
    );
    expect(metadata).toMatchObject({
      title: '关于印发暂行办法的通知',
      docNumber: '六政办秘〔2021〕148号',
      publisherCode: PUBLISHER_CODE,
      language: 'zh-CN',
      format: 'text/html',
      subject: '综合政务/电子政务',
      attachments: [{ name: '附件.pdf', mediaType: 'application/pdf', size: 1, sha256: SHA }],
    });
  });

  it('R-LIB-2: reports every bad field at once, one problem per field, with its path', () => {
    const error = refusal(
      policy({
        title: '',
        publisherCode: '11341500003089416N',
        docNumber: '六政办秘2021号',
        writtenAt: '2021-02-30',
        genre: '通知书',
        keywords: ['一', '二', '三', '四', '五', '六'],
        summary: '长'.repeat(501),
        attachments: [{ name: '附件.pdf', mediaType: 'pdf', size: 0, sha256: 'abc' }],
        language: 'zh_CN',
      }),
    );
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe('INVALID_METADATA');
    expect(error.rule).toBe('R-LIB-2');
    expect(error.messageZh).toContain('元数据');
    expect(error.details.map((d) => d.path).sort()).toEqual(
      [
        'metadata.title',
        'metadata.publisherCode',
        'metadata.docNumber',
        'metadata.writtenAt',
        'metadata.genre',
        'metadata.keywords',
        'metadata.summary',
        'metadata.attachments[0].mediaType',
        'metadata.attachments[0].size',
        'metadata.attachments[0].sha256',
        'metadata.language',
      ].sort(),
    );
    expect(new Set(error.details.map((d) => d.path)).size).toBe(error.details.length);
  });

  it('R-LIB-2: names the missing required fields', () => {
    const found = problems({});
    for (const field of [
      'title',
      'publisher',
      'publisherCode',
      'subject',
      'genre',
      'disclosure',
      'resourceType',
      'format',
    ]) {
      expect(found).toHaveProperty([`metadata.${field}`]);
    }
    expect(Object.keys(found)).not.toContain('metadata.language');
    expect(Object.keys(found)).not.toContain('metadata.sharing');
  });

  it('refuses what is not an object', () => {
    expect(problems('title')).toEqual({ metadata: expect.stringContaining('object') });
    expect(problems(null)).toEqual({ metadata: expect.stringContaining('object') });
  });

  it('R-LIB-2: refuses indexNumber and publishedAt in the input, which only the library assigns', () => {
    const found = problems(
      policy({ indexNumber: '11341500003089416J/2021-00148', publishedAt: '2021-12-16T17:30:00+08:00' }),
    );
    expect(found).toEqual({
      'metadata.indexNumber': expect.stringContaining('assigned by the library'),
      'metadata.publishedAt': expect.stringContaining('set by publication'),
    });
  });

  it('refuses unknown fields, nested ones included', () => {
    expect(
      problems(
        policy({
          author: '张三',
          attachments: [{ name: 'a.pdf', mediaType: 'application/pdf', size: 1, sha256: SHA, url: 'x' }],
        }),
      ),
    ).toEqual({
      'metadata.author': 'not a field of the uniform metadata',
      'metadata.attachments[0].url': 'not a field of the uniform metadata',
    });
  });

  describe('conditional requirements', () => {
    it.each(['article', 'policy', 'interpretation', 'notice'])(
      'R-LIB-2: requires a body for a resource of type %s',
      (resourceType) => {
        expect(problems(policy({ resourceType, body: undefined }))).toEqual({
          'metadata.body': expect.stringContaining('required'),
        });
      },
    );

    it.each(['image', 'video', 'service', 'qa'])(
      'does not require a body for a resource of type %s',
      (resourceType) => {
        const metadata = validateResourceMetadata(without(news({ resourceType, genre: '其他' }), 'body'));
        expect(metadata.body).toBeUndefined();
      },
    );

    it.each([
      '命令(令)',
      '决定',
      '公告',
      '通告',
      '意见',
      '通知',
      '通报',
      '报告',
      '请示',
      '批复',
      '函',
      '纪要',
      '议案',
      '决议',
      '公报',
      '规定',
      '办法',
      '细则',
      '条例',
    ])('R-LIB-2: requires writtenAt (成文日期) for the official document genre %s', (genre) => {
      const found = problems(without(policy({ genre }), 'writtenAt'));
      expect(found).toEqual({ 'metadata.writtenAt': expect.stringContaining('official documents') });
    });

    it.each(['解读', '新闻', '其他'])('does not require writtenAt for the genre %s', (genre) => {
      expect(validateResourceMetadata(news({ genre })).writtenAt).toBeUndefined();
    });

    it.each(['规定', '办法', '细则', '条例', '决定', '命令(令)'])(
      'R-LIB-2: requires validity for the normative genre %s, whatever the resource type',
      (genre) => {
        expect(problems(without(policy({ genre, resourceType: 'notice' }), 'validity'))).toEqual({
          'metadata.validity': expect.stringContaining('normative'),
        });
      },
    );

    it('R-LIB-2: requires validity for every policy resource, whatever its genre', () => {
      expect(problems(without(policy({ genre: '通知' }), 'validity'))).toEqual({
        'metadata.validity': expect.stringContaining('normative documents (policy)'),
      });
    });

    it('does not require validity for a notice of genre 通知', () => {
      expect(
        validateResourceMetadata(without(policy({ resourceType: 'notice' }), 'validity')).validity,
      ).toBeUndefined();
    });

    it('R-LIB-2: requires a reason when a resource is 不予公开', () => {
      expect(problems(policy({ disclosure: '不予公开' }))).toEqual({
        'metadata.disclosureReason': expect.stringContaining('不予公开'),
      });
      expect(
        validateResourceMetadata(
          policy({ disclosure: '不予公开', disclosureReason: '涉及国家秘密（《条例》第十四条）' }),
        ),
      ).toMatchObject({ disclosure: '不予公开', disclosureReason: '涉及国家秘密（《条例》第十四条）' });
    });

    it('refuses an expiry before the start of effect', () => {
      expect(problems(policy({ effectiveAt: '2022-01-01', expiresAt: '2021-12-31' }))).toEqual({
        'metadata.expiresAt': 'must not be before effectiveAt',
      });
    });

    it('R-LIB-2: reports conditional requirements together with the problems of single fields', () => {
      const found = problems(without(policy({ title: 42, disclosure: '不予公开' }), 'body', 'writtenAt', 'validity'));
      expect(Object.keys(found).sort()).toEqual(
        [
          'metadata.title',
          'metadata.body',
          'metadata.writtenAt',
          'metadata.validity',
          'metadata.disclosureReason',
        ].sort(),
      );
    });
  });

  describe('fields', () => {
    it('counts the summary in characters, rare characters outside the BMP included', () => {
      expect(validateResourceMetadata(policy({ summary: '𠀀'.repeat(500) })).summary).toHaveLength(1000);
      expect(problems(policy({ summary: '长'.repeat(501) }))).toEqual({
        'metadata.summary': 'must have at most 500 characters',
      });
    });

    it('takes at most 5 keywords, none repeated', () => {
      expect(validateResourceMetadata(policy({ keywords: ['一', '二', '三', '四', '五'] })).keywords).toHaveLength(5);
      expect(problems(policy({ keywords: ['一', '二', '三', '四', '五', '六'] }))).toEqual({
        'metadata.keywords': 'at most 5 keywords',
      });
      expect(problems(policy({ keywords: ['一', '一'] }))).toEqual({ 'metadata.keywords': 'a keyword is repeated' });
      expect(problems(policy({ keywords: ['一', ' '] }))).toHaveProperty(['metadata.keywords[1]']);
    });

    it.each([
      ['genre', '通知书'],
      ['audience', '群众'],
      ['disclosure', '公开'],
      ['validity', '有效的'],
      ['resourceType', 'page'],
      ['sharing', '共享'],
    ])('refuses %s %j, outside its enumeration', (field, value) => {
      expect(problems(policy({ [field]: value }))).toHaveProperty([`metadata.${field}`]);
    });

    it.each(['公民', '法人', '其他组织', '全部'])('accepts the audience %s', (audience) => {
      expect(validateResourceMetadata(policy({ audience })).audience).toBe(audience);
    });

    it.each(['有效', '失效', '废止', '已修订'])('accepts the validity %s', (validity) => {
      expect(validateResourceMetadata(policy({ validity })).validity).toBe(validity);
    });

    it.each(['无条件共享', '不予共享'])('accepts the sharing %s', (sharing) => {
      expect(validateResourceMetadata(policy({ sharing })).sharing).toBe(sharing);
    });

    it('R-LIB-3: a resource shared on condition (有条件共享) says on what condition, and only such a resource has one', () => {
      const condition = '仅限政务服务使用';
      expect(validateResourceMetadata(policy({ sharing: '有条件共享', sharingCondition: condition }))).toMatchObject({
        sharing: '有条件共享',
        sharingCondition: condition,
      });
      expect(problems(policy({ sharing: '有条件共享' }))).toHaveProperty(['metadata.sharingCondition']);
      expect(problems(policy({ sharing: '无条件共享', sharingCondition: condition }))).toHaveProperty([
        'metadata.sharingCondition',
      ]);
      expect(problems(policy({ sharingCondition: condition }))).toHaveProperty(['metadata.sharingCondition']);
    });

    it.each([['en'], ['zh-Hant-TW'], ['ug-CN']])('accepts the language tag %s', (language) => {
      expect(validateResourceMetadata(policy({ language })).language).toBe(language);
    });

    it.each([['zh_CN'], ['中文'], [''], ['x']])('refuses the language %j', (language) => {
      expect(problems(policy({ language }))).toEqual({ 'metadata.language': expect.stringContaining('BCP 47') });
    });

    it.each([['2021/12/16'], ['2021-2-3'], ['2021-02-29'], ['20211216']])(
      'takes dates in ISO form only, refusing %j',
      (writtenAt) => {
        expect(problems(policy({ writtenAt }))).toEqual({
          'metadata.writtenAt': expect.stringContaining('YYYY-MM-DD'),
        });
      },
    );

    it('takes a publisher code that is a 9-character organisation code', () => {
      expect(validateResourceMetadata(policy({ publisherCode: '003110926' })).publisherCode).toBe('003110926');
    });

    it('R-LIB-2: refuses the spec’s example publisher code, whose check character is wrong', () => {
      expect(problems(policy({ publisherCode: '11341500003089416N' }))).toEqual({
        'metadata.publisherCode': expect.stringContaining('calls for J'),
      });
    });

    it('keeps a decree number in decree form', () => {
      expect(validateResourceMetadata(policy({ docNumber: '国务院令第 306 号', genre: '命令(令)' })).docNumber).toBe(
        '国务院令第306号',
      );
    });

    it('refuses a document number that cannot be repaired with confidence, saying why', () => {
      expect(problems(policy({ docNumber: '六政办秘〔98〕148号' }))).toEqual({
        'metadata.docNumber': expect.stringContaining('century'),
      });
    });

    it('requires a relation to name its target by exactly one of indexNumber or resourceId', () => {
      expect(problems(policy({ relations: [{ kind: 'cites' }] }))).toHaveProperty(['metadata.relations[0]']);
      expect(
        problems(
          policy({ relations: [{ kind: 'cites', indexNumber: '113417030032499282/2020-00140', resourceId: 'r' }] }),
        ),
      ).toHaveProperty(['metadata.relations[0]']);
      expect(problems(policy({ relations: [{ kind: 'quotes', resourceId: 'r' }] }))).toHaveProperty([
        'metadata.relations[0].kind',
      ]);
      expect(problems(policy({ relations: [{ kind: 'amends', indexNumber: '2021-00148' }] }))).toHaveProperty([
        'metadata.relations[0].indexNumber',
      ]);
    });

    it('accepts a relation to an index number issued under a mistyped code: issued numbers stay referable', () => {
      const relations = [{ kind: 'replaces', indexNumber: '11341500003089416N/2019-00012' }];
      expect(validateResourceMetadata(policy({ relations })).relations).toEqual(relations);
    });

    it('requires a source to say where it came from and when it was migrated', () => {
      expect(problems(policy({ source: { system: '旧站', migratedAt: '2025-11-26T10:00:00+08:00' } }))).toHaveProperty([
        'metadata.source',
      ]);
      expect(problems(policy({ source: { system: '旧站', originalId: '1' } }))).toHaveProperty([
        'metadata.source.migratedAt',
      ]);
      expect(
        problems(
          policy({ source: { system: '旧站', originalUrl: 'ftp://x/y', migratedAt: '2025-11-26T10:00:00+08:00' } }),
        ),
      ).toHaveProperty(['metadata.source.originalUrl']);
      expect(
        problems(policy({ source: { system: '旧站', originalId: '1', migratedAt: '2025-11-26 10:00' } })),
      ).toHaveProperty(['metadata.source.migratedAt']);
    });

    it.each([['text'], ['text/html; charset=utf-8'], ['text/'], ['/html']])('refuses the format %j', (format) => {
      expect(problems(policy({ format }))).toHaveProperty(['metadata.format']);
    });
  });

  describe('subject', () => {
    it('R-LIB-2: must be a path of the subject taxonomy', () => {
      expect(problems(policy({ subject: '综合政务/不存在' }))).toEqual({
        'metadata.subject': expect.stringContaining('not in the subject taxonomy'),
      });
    });

    it('must have two levels, except for the top level 其他, which has none', () => {
      expect(problems(policy({ subject: '综合政务' }))).toHaveProperty(['metadata.subject']);
      expect(validateResourceMetadata(policy({ subject: '其他' })).subject).toBe('其他');
      expect(problems(policy({ subject: '综合政务/政务公开/更多' }))).toEqual({
        'metadata.subject': expect.stringContaining('一级/二级'),
      });
      expect(problems(policy({ subject: '/' }))).toHaveProperty(['metadata.subject']);
    });

    it('is checked against the taxonomy it is given, with the administrators’ extensions', () => {
      const extended = SubjectTaxonomy.base().withSecondLevel('综合政务', '政务服务');
      expect(problems(policy({ subject: '综合政务/政务服务' }))).toHaveProperty(['metadata.subject']);
      expect(validateResourceMetadata(policy({ subject: '综合政务/政务服务' }), extended).subject).toBe(
        '综合政务/政务服务',
      );
    });

    it('is checked against the taxonomy even when other fields fail', () => {
      expect(Object.keys(problems(policy({ title: '', subject: '不存在/其他' }))).sort()).toEqual([
        'metadata.subject',
        'metadata.title',
      ]);
    });
  });
});

describe('resourceMetadataInputSchema', () => {
  it('refuses indexNumber and publishedAt on its own, without validateResourceMetadata', () => {
    expect(resourceMetadataInputSchema.safeParse(policy({ indexNumber: 'x' })).success).toBe(false);
    expect(resourceMetadataInputSchema.safeParse(policy()).success).toBe(true);
  });
});

describe('resourceMetadataSchema (stored metadata of a published resource)', () => {
  it('carries indexNumber and publishedAt', () => {
    const stored = {
      ...policy(),
      indexNumber: '11341500003089416J/2021-00148',
      publishedAt: '2021-12-16T17:30:00+08:00',
    };
    expect(resourceMetadataSchema.parse(stored)).toMatchObject({
      indexNumber: '11341500003089416J/2021-00148',
      publishedAt: '2021-12-16T17:30:00+08:00',
    });
    expect(resourceMetadataSchema.safeParse(policy()).success).toBe(false);
  });
});

describe('missingOptionalFields', () => {
  it('lists the optional fields a resource lacks', () => {
    const metadata: ResourceMetadataInput = validateResourceMetadata(policy());
    expect(missingOptionalFields(metadata)).toEqual([
      'subtitle',
      'summary',
      'effectiveAt',
      'expiresAt',
      'audience',
      'keywords',
      'attachments',
      'relations',
    ]);
  });

  it('lists the conditional fields when the resource does not need them and lacks them', () => {
    const metadata = validateResourceMetadata(without(news({ resourceType: 'image' }), 'body'));
    expect(missingOptionalFields(metadata)).toEqual([
      'subtitle',
      'summary',
      'body',
      'docNumber',
      'writtenAt',
      'effectiveAt',
      'expiresAt',
      'audience',
      'keywords',
      'validity',
      'attachments',
      'relations',
    ]);
  });

  it('counts an empty list as missing, and lists nothing when everything is there', () => {
    const metadata = validateResourceMetadata(
      policy({
        subtitle: '副标题',
        summary: '摘要',
        effectiveAt: '2022-01-01',
        expiresAt: '2023-01-01',
        audience: '全部',
        keywords: [],
        attachments: [{ name: 'a.pdf', mediaType: 'application/pdf', size: 1, sha256: SHA }],
        relations: [{ kind: 'cites', resourceId: 'r' }],
      }),
    );
    expect(missingOptionalFields(metadata)).toEqual(['keywords']);
  });
});
