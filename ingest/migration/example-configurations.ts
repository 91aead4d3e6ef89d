/**
 * The example migrations checked into the repository: the three legacy exports of `corpus/legacy/` and the sample
 * corpus, each migrated by a configuration file alone (R-LIB-4). Their tables live beside them in `examples/tables/`.
 */
import { fileURLToPath } from 'node:url';

const example = (name: string) => fileURLToPath(new URL(`./examples/${name}.yaml`, import.meta.url));

export const MIGRATION_EXAMPLES = {
  /** 舒城县's old CMS: CSV in GBK. */
  shucheng: example('shucheng-old-cms'),
  /** 金安区's crawled disclosure pages: HTML, UTF-8 and gb2312. */
  jinan: example('jinan-crawl'),
  /** 教育体育局's CMS: one JSON document with Markdown content. */
  edu: example('edu-cms'),
  /** The sample corpus of national regulations: Markdown in JSON Lines. */
  nationalRegulations: example('national-regulations'),
} as const;

/**
 * A batch export of a site of this platform (R-LIB-5), migrated by its own format: give the export with `source` (or
 * `--source`) and the site with `site` (or `--site`).
 */
export const SITE_EXPORT_MIGRATION = example('site-export');
