/**
 * Library documents as the library projection writes them, with realistic Chinese government texts, for the search
 * index contract and anything else that needs a shared library without running the write side.
 */
import type { ResourceMetadataInput } from '../../domain/metadata/index.js';
import type { LibraryDocument, Placement } from '../../projections/library/library-document.js';
import { sampleMetadata } from './fixtures.js';

export interface DocumentOverrides {
  resourceId?: string;
  indexNumber?: string;
  siteId?: string;
  status?: 'published' | 'archived';
  version?: number;
  publishedAt?: string;
  firstPublishedAt?: string;
  placements?: Placement[];
  position?: number;
  metadata?: Partial<ResourceMetadataInput>;
}

/** The one document every test knows: the Lu'an measures for the intensive platform. */
export const PLATFORM_MEASURES = {
  title: '六安市人民政府办公室关于印发六安市政府网站集约化平台管理暂行办法的通知',
  summary: '规范全市政府网站集约化平台的建设、运行和管理。',
  body: [
    '<p>各县区人民政府，市政府各部门、各直属机构：</p>',
    '<p>《六安市政府网站集约化平台管理暂行办法》已经市政府同意，现印发给你们，请认真贯彻执行。</p>',
    '<h2>第一章 总则</h2>',
    '<p>第一条 为加强和规范全市政府网站集约化平台建设管理，提升政府网站服务能力，制定本办法。</p>',
    '<p>第二条 本办法所称集约化平台，是指由市政府办公室统一建设、统一管理的政府网站技术平台。</p>',
  ].join('\n'),
  docNumber: '六政办秘〔2021〕148号',
  writtenAt: '2021-12-16',
};

/** As in sampleMetadata. */
const PUBLISHER_CODE = '11341500003089416J';

/** A valid document; every value can be overridden, and metadata fields one by one. */
export function libraryDocument(overrides: DocumentOverrides = {}): LibraryDocument {
  const resourceId = overrides.resourceId ?? 'resource-1';
  const publishedAt = overrides.publishedAt ?? '2021-12-20T09:00:00+08:00';
  // The shared sample metadata (publisher coded PUBLISHER_CODE) with the measures' full text.
  const metadata = sampleMetadata({ ...PLATFORM_MEASURES, ...overrides.metadata }) as ResourceMetadataInput;
  return {
    resourceId,
    indexNumber: overrides.indexNumber ?? `${PUBLISHER_CODE}/2021-00148`,
    siteId: overrides.siteId ?? 'site-city',
    status: overrides.status ?? 'published',
    version: overrides.version ?? 1,
    publishedAt,
    firstPublishedAt: overrides.firstPublishedAt ?? publishedAt,
    placements: overrides.placements ?? [{ siteId: overrides.siteId ?? 'site-city', columnId: 'zcwj' }],
    versions: [{ version: overrides.version ?? 1, publishedAt, title: metadata.title }],
    metadata,
    position: overrides.position ?? 1,
  };
}

/** Index numbers in the library's form for sequence `n` of `year`. */
export function indexNumberOf(n: number, year = 2021): string {
  return `${PUBLISHER_CODE}/${year}-${String(n).padStart(5, '0')}`;
}

/**
 * A small library of six documents with distinct sites, columns, subjects, genres, dates and statuses, each with a
 * word or two no other has, so that every filter, facet and sort has something to tell apart.
 */
export function sampleLibrary(): LibraryDocument[] {
  return [
    libraryDocument({
      resourceId: 'res-measures',
      indexNumber: indexNumberOf(148),
      publishedAt: '2021-12-20T09:00:00+08:00',
      placements: [{ siteId: 'site-city', columnId: 'zcwj' }],
      position: 10,
    }),
    libraryDocument({
      resourceId: 'res-opinion',
      siteId: 'site-jinan',
      indexNumber: indexNumberOf(57, 2014),
      publishedAt: '2014-12-01T10:00:00+08:00',
      placements: [{ siteId: 'site-jinan', columnId: 'zcwj' }],
      position: 11,
      metadata: {
        title: '国务院办公厅关于加强政府网站信息内容建设的意见',
        summary: '推进政府网站信息内容建设。',
        body: '<p>政府网站是信息化条件下政府密切联系人民群众的重要桥梁。</p><p>各地区各部门要推进集约化建设，整合分散的网站资源，统一技术平台，提升安全防护能力。要健全信息发布审核制度，严格执行三审三校。</p>',
        publisher: '国务院办公厅',
        docNumber: '国办发〔2014〕57号',
        writtenAt: '2014-11-17',
        genre: '意见',
        subject: '综合政务/电子政务',
        validity: '有效',
      },
    }),
    libraryDocument({
      resourceId: 'res-shipping',
      indexNumber: indexNumberOf(31, 2019),
      publishedAt: '2019-05-10T15:30:00+08:00',
      placements: [{ siteId: 'site-city', columnId: 'fgwj' }],
      position: 12,
      metadata: {
        title: '上海航运交易所管理规定',
        summary: '规范航运交易所的管理。',
        body: '## 第一章 总则\n\n第一条 为了加强对上海航运交易所的管理，维护航运交易秩序，促进**水路货物运输**业的发展，制定本规定。\n\n第二条 上海航运交易所是不以营利为目的，为航运业务提供交易场所、设施、信息的事业法人。',
        format: 'text/markdown',
        publisher: '中华人民共和国交通部',
        docNumber: undefined,
        writtenAt: '1996-09-19',
        genre: '规定',
        subject: '工业、交通/交通',
        validity: '已修订',
      },
    }),
    libraryDocument({
      resourceId: 'res-flood',
      siteId: 'site-huoshan',
      indexNumber: indexNumberOf(12, 2022),
      publishedAt: '2022-06-01T08:00:00+08:00',
      placements: [{ siteId: 'site-huoshan', columnId: 'yjgl' }],
      position: 13,
      metadata: {
        title: '霍山县防汛抗旱应急预案',
        summary: '做好全县防汛抗旱工作。',
        body: '<p>为做好全县防汛抗旱工作，最大程度减少洪涝干旱灾害造成的损失，保障人民群众生命财产安全，依据《中华人民共和国防洪法》，结合本县实际，制定本预案。</p>',
        publisher: '霍山县人民政府办公室',
        docNumber: '霍政办〔2022〕9号',
        writtenAt: '2022-05-27',
        genre: '通知',
        subject: '综合政务/应急管理',
        validity: '有效',
        resourceType: 'notice',
      },
    }),
    libraryDocument({
      resourceId: 'res-report',
      indexNumber: indexNumberOf(40, 2023),
      publishedAt: '2023-03-15T16:00:00+08:00',
      placements: [
        { siteId: 'site-city', columnId: 'tzgg' },
        { siteId: 'site-jinan', columnId: 'tzgg' },
      ],
      position: 14,
      metadata: {
        title: '关于2022年度政务公开工作考核结果的通报',
        summary: '通报各县区政务公开考核结果。',
        body: '<p>根据政务公开工作要点，市政务公开办公室对各县区进行了考核，考核的结果如下。公文格式执行GB/T 9704-2012《党政机关公文格式》。</p>',
        docNumber: '六政办秘〔2023〕21号',
        writtenAt: '2023-03-10',
        genre: '通报',
        subject: '综合政务/政务公开',
        validity: undefined,
        resourceType: 'article',
      },
    }),
    libraryDocument({
      resourceId: 'res-statistics',
      status: 'archived',
      indexNumber: indexNumberOf(5, 2023),
      publishedAt: '2023-04-01T09:00:00+08:00',
      placements: [{ siteId: 'site-city', columnId: 'tjsj' }],
      position: 15,
      metadata: {
        title: '六安市2022年国民经济和社会发展统计公报',
        summary: '全市国民经济运行情况。',
        body: '<p>初步核算，全年全市的地区生产总值增长。全年粮食总产量稳定，规模以上工业增加值增长。</p>',
        publisher: '六安市统计局',
        docNumber: undefined,
        writtenAt: '2023-03-28',
        genre: '公报',
        subject: '国民经济管理、国有资产监管/统计',
        validity: undefined,
        resourceType: 'article',
      },
    }),
  ];
}

/**
 * `count` documents that all contain `word` in their body, published a day apart from `from` onwards, with ids
 * `<prefix>-000`…, for paging through more hits than a page holds.
 */
export function numberedDocuments(
  count: number,
  word: string,
  prefix = 'res-page',
  from = Date.UTC(2020, 0, 1),
): LibraryDocument[] {
  return Array.from({ length: count }, (_, i) => {
    const publishedAt = new Date(from + i * 86_400_000).toISOString();
    const n = String(i).padStart(3, '0');
    return libraryDocument({
      resourceId: `${prefix}-${n}`,
      indexNumber: indexNumberOf(500 + i, 2020),
      publishedAt,
      position: 100 + i,
      metadata: {
        title: `关于做好第${n}批${word}工作的通知`,
        summary: undefined,
        docNumber: undefined,
        body: `<p>各有关单位：现就做好${word}工作通知如下。第${i + 1}项任务请按期完成。</p>`.repeat(1 + (i % 3)),
      },
    });
  });
}
