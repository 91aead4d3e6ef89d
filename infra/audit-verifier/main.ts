/**
 * `npm run verify -- <server URL | data directory> [options]`: the audit log verifier an outsider runs.
 *
 *   --key <vkey>          the log's published verifier key (<name>+<key id>+<key>); default: the one in the data
 *                         directory (`DATA_DIR`, or ./data, for a URL): on the platform's own machine nothing is needed
 *   --key-file <file>     the same, read from a file
 *   --origin <origin>     the log's pinned origin; default: the key's name (tlog-checkpoint: they match)
 *   --hash sha256|sm3     refuse a log hashed otherwise
 *   --leaf <index>        check the inclusion of this leaf instead of a full audit (repeatable)
 *   --state <dir>         where the trusted checkpoint is kept (default: the user's state directory)
 *   --token <token>       sent as `Authorization: Bearer <token>` (entry bundles restricted to auditors)
 *   --header 'Name: v'    another header to send (repeatable)
 *
 * Exit 0 when the log holds; 1 naming the first entry or checkpoint that does not; 2 for a usage error; 3 when the
 * log could not be read. A data directory is served by a child process on a loopback port and read over HTTP, the
 * same path as for a remote server (see infra/audit/serve-audit-log.ts); this module shares nothing with the server
 * but domain/audit/tree-hash.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isTreeHashAlgorithm, type TreeHashAlgorithm } from '../../domain/audit/tree-hash.js';
import { NoteError, parseVerifierKey } from './note.js';
import { FetchError, TlogClient } from './tlog-client.js';
import { defaultStateDirectory, TrustedStateStore } from './trusted-state.js';
import { verifyLog } from './verify-log.js';

const USAGE =
  'usage: npm run verify -- <server URL | data directory> [--key <vkey> | --key-file <file>] [--origin <origin>] ' +
  '[--hash sha256|sm3] [--leaf <index>]... [--state <dir>] [--token <token>] [--header "Name: value"]...';

export interface VerifierIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

interface Arguments {
  target: string;
  key?: string;
  keyFile?: string;
  origin?: string;
  hash?: TreeHashAlgorithm;
  leaves: number[];
  state?: string;
  headers: Record<string, string>;
}

function parseArguments(argv: readonly string[]): Arguments {
  const args: Partial<Arguments> & { leaves: number[]; headers: Record<string, string> } = { leaves: [], headers: {} };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--key':
        args.key = value();
        break;
      case '--key-file':
        args.keyFile = value();
        break;
      case '--origin':
        args.origin = value();
        break;
      case '--hash': {
        const v = value();
        if (!isTreeHashAlgorithm(v)) throw new UsageError(`--hash takes sha256 or sm3, not ${v}`);
        args.hash = v;
        break;
      }
      case '--leaf': {
        const v = value();
        if (!/^(0|[1-9][0-9]*)$/.test(v)) throw new UsageError(`--leaf takes a leaf index, not ${v}`);
        args.leaves.push(Number(v));
        break;
      }
      case '--state':
        args.state = value();
        break;
      case '--token':
        args.headers.authorization = `Bearer ${value()}`;
        break;
      case '--header': {
        const v = value();
        const at = v.indexOf(':');
        if (at < 1) throw new UsageError(`--header takes "Name: value", not ${v}`);
        args.headers[v.slice(0, at).trim().toLowerCase()] = v.slice(at + 1).trim();
        break;
      }
      default:
        if (flag.startsWith('--')) throw new UsageError(`unknown option ${flag}`);
        if (args.target) throw new UsageError(`one log at a time (${args.target}, then ${flag})`);
        args.target = flag;
    }
  }
  if (!args.target) throw new UsageError('name a server URL or a data directory');
  return args as Arguments;
}

/** Starts the read-only server of a data directory; resolves with its URL and a way to stop it. */
async function serveDataDirectory(dir: string): Promise<{ url: string; stop: () => void }> {
  const script = fileURLToPath(new URL('../audit/serve-audit-log.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), script, dir], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line) resolveUrl(line.trim());
    });
    child.once('exit', (code) => reject(new Error(stderr.trim() || `the log server of ${dir} exited with ${code}`)));
  });
  return { url, stop: () => child.stdin.end() };
}

export async function runVerifier(argv: readonly string[], io: VerifierIo): Promise<number> {
  let args: Arguments;
  try {
    args = parseArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(error.message);
    io.err(USAGE);
    return 2;
  }
  const isUrl = /^https?:\/\//.test(args.target);
  if (!isUrl && !(existsSync(args.target) && statSync(args.target).isDirectory())) {
    io.err(`${args.target} is neither an http(s) URL nor a directory`);
    return 2;
  }
  const dataDir = isUrl ? resolve(io.env.DATA_DIR ?? './data') : resolve(args.target);
  const keyFile = args.keyFile ?? (args.key ? null : join(dataDir, 'audit-verifier-key.txt'));
  let key: ReturnType<typeof parseVerifierKey>;
  try {
    if (keyFile && !existsSync(keyFile)) {
      throw new UsageError(`no --key given and no verifier key at ${keyFile}; pass the log's published key with --key`);
    }
    key = parseVerifierKey(args.key ?? readFileSync(keyFile!, 'utf8'));
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof NoteError)) throw error;
    io.err(error.message);
    return 2;
  }
  const origin = args.origin ?? key.name;
  const state = new TrustedStateStore(args.state ?? defaultStateDirectory(), origin, key.text);

  let served: { url: string; stop: () => void } | null = null;
  try {
    if (!isUrl) served = await serveDataDirectory(dataDir);
    const base =
      served?.url ?? (/\/audit\/?$/.test(args.target) ? args.target : `${args.target.replace(/\/+$/, '')}/audit`);
    io.out(`verifying ${base} with key ${key.text} (origin ${origin})`);
    const result = await verifyLog({
      client: new TlogClient(base, { headers: args.headers }),
      key,
      origin,
      state,
      ...(args.leaves.length > 0 ? { leaves: args.leaves } : {}),
      ...(args.hash ? { algorithm: args.hash } : {}),
      log: io.out,
    });
    if (result.ok) {
      io.out(`OK: the log holds; trusted checkpoint is now ${result.checkpoint!.size} (${state.directory})`);
      return 0;
    }
    const [first, ...rest] = result.problems;
    io.err(`FAILED at ${first!.where}: ${first!.message}`);
    for (const p of rest.slice(0, 20)) io.err(`  also ${p.where}: ${p.message}`);
    if (rest.length > 20) io.err(`  and ${rest.length - 20} more`);
    return 1;
  } catch (error) {
    if (error instanceof FetchError) {
      io.err(`cannot read the log: ${error.message}`);
      return 3;
    }
    if (!isUrl && error instanceof Error) {
      io.err(`cannot serve ${dataDir}: ${error.message}`);
      return 3;
    }
    throw error;
  } finally {
    served?.stop();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const code = await runVerifier(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
  });
  process.exitCode = code;
}
