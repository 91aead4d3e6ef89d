/**
 * The closed vocabularies of the uniform metadata (docs metadata.md), and which of their values make a document an
 * official or a normative one, since those carry extra required fields.
 */

/**
 * 体裁分类/文种: the fifteen kinds of 公文 of the 党政机关公文处理工作条例 (2012), the names regulations and rules carry
 * (规定, 办法, 细则, 条例), and interpretations, news and everything else.
 */
export const GENRES = [
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
  '解读',
  '新闻',
  '其他',
] as const;
export type Genre = (typeof GENRES)[number];

/** Genres that make a resource an official document (公文), which must say when it was written (成文日期). */
export const OFFICIAL_DOCUMENT_GENRES: ReadonlySet<Genre> = new Set<Genre>([
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
]);

/** Genres that make a document normative (规范性文件/规章): people must be told whether it is still in force. */
export const NORMATIVE_GENRES: ReadonlySet<Genre> = new Set<Genre>([
  '规定',
  '办法',
  '细则',
  '条例',
  '决定',
  '命令(令)',
]);

export const AUDIENCES = ['公民', '法人', '其他组织', '全部'] as const;
export type Audience = (typeof AUDIENCES)[number];

export const DISCLOSURES = ['主动公开', '依申请公开', '不予公开'] as const;
export type Disclosure = (typeof DISCLOSURES)[number];

export const VALIDITIES = ['有效', '失效', '废止', '已修订'] as const;
export type Validity = (typeof VALIDITIES)[number];

export const RESOURCE_TYPES = [
  'article',
  'policy',
  'interpretation',
  'notice',
  'image',
  'video',
  'service',
  'qa',
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/**
 * Resource types whose content is their text, so a body is required. Images and videos are their attachments,
 * a service entry points to where the service is done, and a Q&A may come from the interaction module with its own
 * question and answer fields; for those a body is optional (and reported as missing when absent).
 */
export const BODY_REQUIRED_TYPES: ReadonlySet<ResourceType> = new Set<ResourceType>([
  'article',
  'policy',
  'interpretation',
  'notice',
]);

export const RELATION_KINDS = ['interprets', 'amends', 'replaces', 'cites'] as const;
export type RelationKind = (typeof RELATION_KINDS)[number];

export const SHARINGS = ['无条件共享', '有条件共享', '不予共享'] as const;
export type Sharing = (typeof SHARINGS)[number];

export const DEFAULT_LANGUAGE = 'zh-CN';
export const DEFAULT_SHARING: Sharing = '无条件共享';
