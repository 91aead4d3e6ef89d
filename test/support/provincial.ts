/** The provincial library as tests play it: its source, one of its publishers, and its shared resources. */
import { sampleMetadata } from './fixtures.js';

export const PROVINCE_SOURCE = 'https://zwgk.ah.gov.cn/resource-library';
/** 安徽省人民政府办公厅, with a unified social credit code whose check character is right. */
export const PROVINCE_PUBLISHER = { publisher: '安徽省人民政府办公厅', publisherCode: '113400000030001801' };

export function provincialMetadata(overrides: Record<string, unknown> = {}) {
  return sampleMetadata({
    title: '安徽省人民政府办公厅关于进一步加强政府网站集约化建设的通知',
    summary: '全省政府网站集约化平台建设、运维和资源共享的要求。',
    body: '各市人民政府，省政府各部门：为推进全省政府网站集约化平台资源共享，现就有关事项通知如下。',
    docNumber: '皖政办〔2026〕12号',
    writtenAt: '2026-03-02',
    ...PROVINCE_PUBLISHER,
    ...overrides,
  });
}

/** The province's index numbers are issued under its own organisation code. */
export const provincialIndexNumber = (sequence: number) =>
  `${PROVINCE_PUBLISHER.publisherCode}/2026-${String(sequence).padStart(5, '0')}`;
