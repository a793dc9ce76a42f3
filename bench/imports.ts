import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { lastJsonLine, runChild } from './process.js';
import { median, roundMs } from './stats.js';

/** The heavy modules of a cold `ask`, each imported alone in a fresh process. */
export const HEAVY_MODULES = [
  '@langchain/core/documents',
  '@langchain/community/vectorstores/hnswlib',
  '@langchain/classic/retrievers/ensemble',
  'hnswlib-node',
  'opencc-js',
  'pinyin-pro',
  'better-sqlite3',
  'zod',
  'stemmer',
  'pino',
] as const;

/** Import cost of one module in a fresh Node process (median over runs). */
export interface ImportCost {
  module: string;
  /** Time of the `import()` itself, measured inside the child. */
  importMs: number;
  /** The whole child process, Node's own start included. */
  processMs: number;
}

/** What a cold start is made of, before any Tether code runs. */
export interface StartupCosts {
  /** `node` running an empty module. */
  nodeMs: number;
  /** `tsx` running an empty module: Node plus tsx's CLI, its second process and its loader. */
  tsxMs: number;
  /** `node --import tsx` running an empty module: tsx's loader without its CLI process. */
  tsxLoaderMs: number;
  modules: ImportCost[];
  /** `src/tether.ts` and everything it imports, through tsx's loader. */
  tetherGraph: ImportCost;
  /** The bundle's chunk of `src/tether.ts` and what it imports: the graph `npm run ask` loads; undefined when dist/ is not built. */
  compiledGraph: ImportCost | undefined;
}

/** Where the project is and how to run it. */
export interface ImportCostOptions {
  root: string;
  env: NodeJS.ProcessEnv;
  runs: number;
  modules?: readonly string[];
}

/** Measures Node and tsx startup and the import cost of each heavy module, each in fresh processes. */
export async function measureStartupCosts(options: ImportCostOptions): Promise<StartupCosts> {
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'tether-bench-imports-'));
  try {
    const emptyJs = path.join(scratch, 'empty.mjs');
    const emptyTs = path.join(scratch, 'empty.ts');
    await fs.writeFile(emptyJs, '');
    await fs.writeFile(emptyTs, 'export {};\n');
    const tsx = path.join(options.root, 'node_modules/.bin/tsx');
    const wall = async (command: string, args: string[]) => {
      const times: number[] = [];
      for (let run = 0; run < options.runs; run += 1) times.push((await runChild(command, args, { cwd: options.root, env: options.env })).wallMs);
      return roundMs(median(times));
    };
    const nodeMs = await wall(process.execPath, [emptyJs]);
    const tsxMs = await wall(tsx, [emptyTs]);
    const tsxLoaderMs = await wall(process.execPath, ['--import', 'tsx', emptyTs]);

    const modules: ImportCost[] = [];
    for (const specifier of options.modules ?? HEAVY_MODULES) modules.push(await importCost(specifier, specifier, [], options));
    const tetherUrl = pathToFileURL(path.join(options.root, 'src/tether.ts')).href;
    const tetherGraph = await importCost('src/tether.ts (whole graph, via tsx)', tetherUrl, ['--import', 'tsx'], options);
    // The bundle's chunk of src/tether.ts (its name carries a content hash).
    const chunk = (await fs.readdir(path.join(options.root, 'dist')).catch(() => [])).find((name) => /^tether-\w+\.js$/.test(name));
    const compiledGraph = chunk ? await importCost(`dist/${chunk} (whole graph, bundled)`, pathToFileURL(path.join(options.root, 'dist', chunk)).href, [], options) : undefined;
    return { nodeMs, tsxMs, tsxLoaderMs, modules, tetherGraph, compiledGraph };
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

async function importCost(name: string, specifier: string, nodeFlags: string[], options: ImportCostOptions): Promise<ImportCost> {
  const code = `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(JSON.stringify({ ms: performance.now() - t }));`;
  const importTimes: number[] = [];
  const processTimes: number[] = [];
  for (let run = 0; run < options.runs; run += 1) {
    const result = await runChild(process.execPath, [...nodeFlags, '--input-type=module', '-e', code], { cwd: options.root, env: options.env });
    const ms = lastJsonLine(result.stdout)?.ms;
    if (result.exitCode !== 0 || typeof ms !== 'number') throw new Error(`importing ${name} failed: ${result.stderr.trim().split('\n').slice(-3).join(' ')}`);
    importTimes.push(ms);
    processTimes.push(result.wallMs);
  }
  return { module: name, importMs: roundMs(median(importTimes)), processMs: roundMs(median(processTimes)) };
}
