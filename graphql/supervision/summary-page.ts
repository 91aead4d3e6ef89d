/**
 * The monthly summary as a printable page (P-art.51: 监测汇总表): the figures in tables, a bar chart of publications
 * per week drawn as plain SVG on the server (a dozen bars need no chart library, and the page then prints and renders
 * without any script), and the single-veto items, failed ones highlighted. Everything from the data is escaped.
 */
import type { MonthlySummaryModel } from './supervision-models.js';

const html = (value: unknown) =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const CHART = { width: 640, height: 220, left: 40, bottom: 40, top: 20 };

/** One bar per week, its count above it and its days below. */
export function publicationsChart(weeks: MonthlySummaryModel['publications']['byWeek']): string {
  const max = Math.max(1, ...weeks.map((w) => w.count));
  const plotHeight = CHART.height - CHART.top - CHART.bottom;
  const slot = (CHART.width - CHART.left) / Math.max(1, weeks.length);
  const bars = weeks
    .map((w, i) => {
      const height = Math.round((w.count / max) * plotHeight);
      const x = Math.round(CHART.left + i * slot + slot * 0.15);
      const y = CHART.top + plotHeight - height;
      const width = Math.round(slot * 0.7);
      return `<g class="week" data-from="${html(w.from)}" data-to="${html(w.to)}" data-count="${w.count}">
  <rect x="${x}" y="${y}" width="${width}" height="${height}" fill="#2b6cb0"><title>${html(w.from)}–${html(w.to)}: ${w.count}</title></rect>
  <text x="${x + width / 2}" y="${y - 4}" text-anchor="middle" font-size="12">${w.count}</text>
  <text x="${x + width / 2}" y="${CHART.height - CHART.bottom + 16}" text-anchor="middle" font-size="11">${html(w.from.slice(5))}–${html(w.to.slice(5))}</text>
</g>`;
    })
    .join('\n');
  const axis = CHART.top + plotHeight;
  return `<svg id="publications-chart" role="img" aria-label="每周发布量" xmlns="http://www.w3.org/2000/svg" width="${CHART.width}" height="${CHART.height}" viewBox="0 0 ${CHART.width} ${CHART.height}">
<line x1="${CHART.left}" y1="${axis}" x2="${CHART.width}" y2="${axis}" stroke="#333"/>
<text x="4" y="${CHART.top + 4}" font-size="11">${max}</text>
${bars}
</svg>`;
}

export function summaryPage(summary: MonthlySummaryModel): string {
  const p = summary.publications;
  const m = summary.messages;
  const w = summary.workOrders;
  const row = (id: string, label: string, value: unknown) =>
    `<tr><th scope="row">${html(label)}</th><td id="${id}">${html(value)}</td></tr>`;
  const columns = (list: MonthlySummaryModel['staleColumns'], kind: string) =>
    list.length === 0
      ? '<p>无</p>'
      : `<ul>${list
          .map(
            (c) =>
              `<li data-${kind}-column="${html(c.columnId)}">${html(c.name)}（${html(c.columnId)}）${
                c.lastPublishedAt ? `最后更新 ${html(c.lastPublishedAt)}` : `自 ${html(c.addedAt)} 起无内容`
              }</li>`,
          )
          .join('')}</ul>`;
  const veto = summary.scorecard.items
    .map(
      (
        item,
      ) => `<tr class="veto ${item.failed ? 'failed' : 'passed'}" data-veto-item="${html(item.item)}" data-failed="${item.failed}">
  <td>${html(item.descriptionZh)}</td><td>${item.count} / ${item.threshold}</td><td>${item.failed ? '单项否决' : '通过'}</td>
  <td>${item.evidence.map((e) => `${html(e.name)}（自 ${html(e.since)}）`).join('<br>')}</td></tr>`,
    )
    .join('\n');
  const late = m.late
    .map(
      (l) =>
        `<tr data-late-message="${html(l.messageId)}"><td>${html(l.subject)}</td><td>${html(l.receivedAt)}</td><td>${html(l.dueDate)}</td><td>${html(l.answeredAt)}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${html(summary.siteName)} ${html(summary.month)} 政府网站监测汇总表</title>
<style>
  body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; margin: 2em; color: #111; }
  table { border-collapse: collapse; margin: 1em 0; }
  th, td { border: 1px solid #999; padding: 4px 8px; text-align: left; vertical-align: top; }
  tr.veto.failed { background: #fed7d7; color: #9b2c2c; font-weight: bold; }
  tr.veto.passed { background: #f0fff4; }
  @media print { body { margin: 0; } a { color: inherit; text-decoration: none; } }
</style>
</head>
<body>
<h1>${html(summary.siteName)}（${html(summary.siteId)}）${html(summary.month)} 监测汇总</h1>
<p>统计截至 <time id="as-of">${html(summary.asOf)}</time>；${summary.scorecard.failed ? '<strong id="verdict">存在单项否决问题</strong>' : '<span id="verdict">未触发单项否决</span>'}</p>
<h2>信息发布</h2>
<table>
${row('publications-total', '发布总数', p.total)}
${row('publications-own', '本站发布', p.own)}
${row('publications-co-building', '栏目共建', p.coBuilding)}
${row('publications-push', '推送转载', p.push)}
</table>
${publicationsChart(p.byWeek)}
<h2>栏目更新</h2>
<h3>未按周期更新栏目（<span id="stale-count">${summary.staleColumns.length}</span>）</h3>
${columns(summary.staleColumns, 'stale')}
<h3>空白栏目（<span id="blank-count">${summary.blankColumns.length}</span>）</h3>
${columns(summary.blankColumns, 'blank')}
<h2>网民留言</h2>
<table>
${row('messages-received', '收到留言', m.received)}
${row('messages-answered', '已答复', m.answered)}
${row('messages-on-time', '按时答复', m.answeredOnTime)}
${row('messages-late', '超期答复', m.answeredLate)}
${row('messages-overdue', '超期未答复', m.overdue)}
</table>
${late ? `<table><thead><tr><th>超期答复的留言</th><th>收到</th><th>答复期限</th><th>答复时间</th></tr></thead><tbody>${late}</tbody></table>` : ''}
<h2>整改工单</h2>
<table>
${row('work-orders-opened', '新开工单', w.opened)}
${row('work-orders-closed', '已关闭', w.closed)}
${row('work-orders-overdue', '超期未整改', w.overdue)}
</table>
<h2>单项否决指标（国办秘函〔2019〕19号）</h2>
<table id="veto-items">
<thead><tr><th>指标</th><th>数量 / 阈值</th><th>结果</th><th>依据</th></tr></thead>
<tbody>
${veto}
</tbody>
</table>
</body>
</html>
`;
}
