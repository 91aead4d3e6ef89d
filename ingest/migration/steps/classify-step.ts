/**
 * Subject classification after the mapping table (R-LIB-4): a value that is a subject of the taxonomy passes; an old
 * class that names only a top-level category is narrowed within it; a missing or unknown one is classified over the
 * whole taxonomy. The result is a proposal, counted as such in the report, with its confidence and evidence; below
 * `minConfidence` nothing is proposed: a category the old class named keeps its catch-all (`<category>/其他`, counted as
 * defaulted), otherwise the field stays missing (a `default` after this step may then fill it).
 */
import { z } from 'zod';
import { CATCH_ALL, SUBJECT_SEPARATOR } from '../../../domain/metadata/index.js';
import { describeValue, isMissing, type Value } from '../values.js';
import type { StepDefinition } from './step.js';

const classifyOptions = z.strictObject({
  /** Source expressions for the text the classifier reads. */
  title: z.unknown(),
  text: z.unknown().optional(),
  minConfidence: z.number().min(0).max(1).default(0.5),
});

function asText(value: Value): string {
  if (isMissing(value)) return '';
  return typeof value === 'string' ? value : Array.isArray(value) ? value.join('\n') : String(value);
}

export const classifyStep: StepDefinition<z.infer<typeof classifyOptions>> = {
  name: 'classify',
  summary: 'proposes a taxonomy subject where the value is missing or not a subject (marked as proposed)',
  kind: 'cleanse',
  runsOnMissing: true,
  options: classifyOptions,
  compile: (options, environment) => {
    const title = environment.compileExpression(options.title, ['title']);
    const text = options.text === undefined ? undefined : environment.compileExpression(options.text, ['text']);
    const { taxonomy, classifier } = environment;
    const tops = new Set(taxonomy.list().map((category) => category.name));
    return (value, context) => {
      const given = isMissing(value) ? undefined : describeValue(value).trim();
      if (given !== undefined && taxonomy.has(given)) return { value: given, changed: given !== value };
      const within = given !== undefined && tops.has(given) ? given : undefined;
      const why =
        given === undefined
          ? 'no subject given'
          : within !== undefined
            ? `the old class names only the category ${within}`
            : `the old class "${given}" is neither in the mapping table nor the taxonomy`;
      const candidates = classifier.propose(
        { title: asText(context.evaluate(title)), body: text === undefined ? '' : asText(context.evaluate(text)) },
        within,
      );
      const best = candidates[0];
      if (best === undefined || best.confidence < options.minConfidence) {
        const runnerUp = best === undefined ? 'no keyword found' : `best: ${best.subject} at ${best.confidence}`;
        const unsure = `${why}; no subject proposed with confidence ≥ ${options.minConfidence} (${runnerUp})`;
        // The old site did choose the category: its catch-all keeps that choice without inventing a second level.
        const catchAll = within === undefined ? undefined : `${within}${SUBJECT_SEPARATOR}${CATCH_ALL}`;
        if (catchAll !== undefined && taxonomy.has(catchAll)) {
          return {
            value: catchAll,
            defaulted: true,
            note: `${unsure}; placed in the category's catch-all ${catchAll}`,
          };
        }
        return { missing: unsure };
      }
      return {
        proposed: best.subject,
        proposal: { confidence: best.confidence, evidence: best.evidence, by: classifier.name },
        note: `${why}; proposed ${best.subject} (confidence ${best.confidence})`,
      };
    };
  },
};
