/** Every process step a migration's configuration may name; a name not here is refused with its line. */

import { htmlTextStep, lostCharactersStep, markdownStep, sanitizeHtmlStep } from './body-steps.js';
import { classifyStep } from './classify-step.js';
import { docNumberStep, indexNumberStep, organisationCodeStep } from './code-steps.js';
import { dateStep, datetimeStep, epochStep } from './date-steps.js';
import { defaultStep } from './default-step.js';
import { firstStep, getStep, lastStep, matchAllStep, matchStep, whereStep } from './extract-steps.js';
import { lookupStep } from './lookup-step.js';
import type { StepDefinition } from './step.js';
import { joinStep, replaceStep, splitStep, trimStep, truncateStep, uniqueStep, whitespaceStep } from './text-steps.js';

const DEFINITIONS: StepDefinition<never>[] = [
  trimStep,
  whitespaceStep,
  replaceStep,
  truncateStep,
  splitStep,
  joinStep,
  uniqueStep,
  matchStep,
  matchAllStep,
  getStep,
  firstStep,
  lastStep,
  whereStep,
  dateStep,
  datetimeStep,
  epochStep,
  docNumberStep,
  organisationCodeStep,
  indexNumberStep,
  lookupStep,
  defaultStep,
  sanitizeHtmlStep,
  markdownStep,
  htmlTextStep,
  lostCharactersStep,
  classifyStep,
] as StepDefinition<never>[];

export const STEPS: ReadonlyMap<string, StepDefinition<unknown>> = new Map(
  DEFINITIONS.map((definition) => [definition.name, definition as unknown as StepDefinition<unknown>]),
);
