/**
 * Where the sample texts live in the repository (`corpus/`): public-domain laws and regulations, kept beside the code
 * so that a clone alone runs the demo, the tests and the benchmarks.
 */
import { fileURLToPath } from 'node:url';

/** 683 national administrative regulations, one JSON object a line (`corpus/README.md`). */
export const SAMPLE_CORPUS_PATH = fileURLToPath(new URL('../corpus/national-regulations.jsonl', import.meta.url));

/** Three old sites' exports, with the flaws `corpus/legacy/README.md` lists (R-LIB-4). */
export const LEGACY_CORPUS_DIR = fileURLToPath(new URL('../corpus/legacy/', import.meta.url));
