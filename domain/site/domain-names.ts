/**
 * The domain-name rules of P-art.14 (R-SITE-7): one English and one Chinese domain per site, of a shape fixed by
 * the site's kind.
 */
import type { FieldProblem } from '../shared/domain-error.js';

export const SITE_KINDS = ['city_portal', 'county_portal', 'department', 'special'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

export const CITY_PORTAL_DOMAIN = 'www.luan.gov.cn';

export interface SiteDomains {
  english: string;
  chinese: string;
}

/** Problems with a site's domains for its kind and host unit; empty when they follow P-art.14. */
export function domainProblems(kind: SiteKind, hostUnitName: string, domains: SiteDomains): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const english = domains.english.toLowerCase();
  const englishOk =
    kind === 'city_portal'
      ? english === CITY_PORTAL_DOMAIN
      : kind === 'county_portal'
        ? /^www\.[a-z]+\.gov\.cn$/.test(english) && english !== CITY_PORTAL_DOMAIN
        : /^[a-z][a-z0-9]*\.luan\.gov\.cn$/.test(english) && english !== CITY_PORTAL_DOMAIN;
  if (!englishOk) {
    const shape = {
      city_portal: CITY_PORTAL_DOMAIN,
      county_portal: 'www.<拼音>.gov.cn',
      department: '<首字母>.luan.gov.cn',
      special: '<首字母>.luan.gov.cn',
    }[kind];
    problems.push({ path: 'domains.english', message: `a ${kind} site's English domain has the form ${shape}` });
  }
  if (domains.chinese !== `${hostUnitName}.政务`) {
    problems.push({
      path: 'domains.chinese',
      message: `the Chinese domain is the host unit's name followed by .政务: ${hostUnitName}.政务`,
    });
  }
  return problems;
}
