/**
 * Steps for bodies: HTML sanitised to the safe subset, Markdown rid of raw HTML, HTML reduced to its text, and the
 * check for characters a GBK export lost. Each says in its note what it removed, for the row's messages.
 */
import { z } from 'zod';
import { countLostCharacters } from '../body/lost-characters.js';
import { htmlText, sanitiseHtml } from '../body/sanitise-html.js';
import { stripMarkdownHtml } from '../body/strip-markdown-html.js';
import { typeName } from '../values.js';
import type { StepDefinition } from './step.js';

export const sanitizeHtmlStep: StepDefinition<undefined> = {
  name: 'sanitizeHtml',
  summary: 'HTML to the safe subset: no scripts, iframes, event handlers, inline styles or javascript: links',
  kind: 'cleanse',
  options: z.undefined(),
  compile: () => (value) => {
    if (typeof value !== 'string') return { flagged: `sanitizeHtml expects HTML text, got ${typeName(value)}` };
    const { html, removed } = sanitiseHtml(value);
    const what = Object.entries(removed)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, count]) => `${count} ${name}`);
    return { value: html, changed: html !== value, ...(what.length > 0 ? { note: `removed ${what.join(', ')}` } : {}) };
  },
};

export const markdownStep: StepDefinition<undefined> = {
  name: 'markdown',
  summary: 'Markdown kept as Markdown, with any raw HTML in it replaced by its text',
  kind: 'cleanse',
  options: z.undefined(),
  compile: () => (value) => {
    if (typeof value !== 'string') return { flagged: `markdown expects text, got ${typeName(value)}` };
    const { markdown, removed } = stripMarkdownHtml(value);
    return {
      value: markdown,
      changed: markdown !== value,
      ...(removed > 0 ? { note: `removed ${removed} raw HTML piece(s) from the Markdown` } : {}),
    };
  },
};

export const htmlTextStep: StepDefinition<undefined> = {
  name: 'htmlText',
  summary: 'the text of HTML, one block a line (for summaries and the classifier)',
  kind: 'extract',
  options: z.undefined(),
  compile: () => (value) => {
    if (typeof value !== 'string') return { flagged: `htmlText expects HTML text, got ${typeName(value)}` };
    return { value: htmlText(value) };
  },
};

const lostOptions = z.strictObject({ html: z.boolean().default(false) }).optional();
export const lostCharactersStep: StepDefinition<z.infer<typeof lostOptions>> = {
  name: 'lostCharacters',
  summary: 'flags text in which an export wrote ? for characters its encoding lacked (the text is kept)',
  kind: 'cleanse',
  options: lostOptions,
  compile: (options) => (value) => {
    if (typeof value !== 'string') return { flagged: `lostCharacters expects text, got ${typeName(value)}` };
    const lost = countLostCharacters(value, options?.html ?? false);
    if (lost === 0) return { value, changed: false };
    return {
      flagged: `${lost} character(s) were lost in the export (written as ?); restore them from the original`,
      kept: value,
    };
  },
};
