/** Sample content shared by domain and end-to-end tests. */
export function sampleMetadata(overrides: Record<string, unknown> = {}) {
  return {
    title: '六安市人民政府办公室关于印发六安市政府网站集约化平台管理暂行办法的通知',
    summary: '规范全市政府网站集约化平台的建设、运行和管理。',
    body: '第一条 为加强和规范全市政府网站集约化平台建设管理，制定本办法。',
    publisher: '六安市人民政府办公室',
    publisherCode: '11341500003089416J',
    docNumber: '六政办秘〔2021〕148号',
    writtenAt: '2021-12-16',
    subject: '综合政务/政务公开',
    genre: '通知',
    disclosure: '主动公开',
    validity: '有效',
    resourceType: 'policy',
    format: 'text/html',
    language: 'zh-CN',
    sharing: '无条件共享',
    ...overrides,
  };
}
