// Keeps dist/ (the compiled JavaScript of src/) in step with src/, for bin/run.mjs and `npm ci`
// (`prepare`). Plain JavaScript: it runs before anything is compiled.
import fs from 'node:fs';
import path from 'node:path';

/**
 * The TypeScript files of `root`/src whose compiled file in dist/ is missing or older than them
 * (an edit, a checkout, a fresh clone), as paths relative to src/.
 */
export function staleSources(root) {
  const srcDir = path.join(root, 'src');
  const distDir = path.join(root, 'dist');
  const stale = [];
  for (const relative of fs.readdirSync(srcDir, { recursive: true })) {
    if (!relative.endsWith('.ts') || relative.endsWith('.d.ts')) continue;
    const source = fs.statSync(path.join(srcDir, relative), { throwIfNoEntry: false });
    if (!source?.isFile()) continue;
    const compiled = fs.statSync(path.join(distDir, compiledName(relative)), { throwIfNoEntry: false });
    if (!compiled || compiled.mtimeMs < source.mtimeMs) stale.push(relative);
  }
  return stale.sort();
}

/** `cli/ask.ts` → `cli/ask.js`. */
export function compiledName(relative) {
  return relative.replace(/\.ts$/, '.js');
}

/**
 * Compiles `files` (relative to src/) into dist/ one by one with TypeScript's `transpileModule`
 * under tsconfig.build.json's options: what `tsc -p tsconfig.build.json` emits (the project is
 * `isolatedModules`), in a fraction of its time, without the type check (`npm run typecheck`).
 * Each file is written aside and renamed, so a process running dist/ never reads half a file.
 * Returns false when TypeScript is not installed (`npm ci --omit=dev`).
 */
export async function compileSources(root, files) {
  let ts;
  try {
    ts = (await import('typescript')).default;
  } catch {
    return false;
  }
  const configFile = path.join(root, 'tsconfig.build.json');
  const read = ts.readConfigFile(configFile, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const { options } = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configFile);
  // A file alone cannot see package.json's "type": "module", which makes NodeNext emit ES modules.
  const compilerOptions = { ...options, module: ts.ModuleKind.ESNext };
  for (const relative of files) {
    const source = path.join(root, 'src', relative);
    const target = path.join(root, 'dist', compiledName(relative));
    const { outputText } = ts.transpileModule(fs.readFileSync(source, 'utf8'), { compilerOptions, fileName: source });
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const partial = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(partial, outputText);
    fs.renameSync(partial, target);
  }
  return true;
}
