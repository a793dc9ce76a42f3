/** The TypeScript files of `root`/src whose compiled file in dist/ is missing or older, relative to src/. */
export function staleSources(root: string): string[];
/** `cli/ask.ts` → `cli/ask.js`. */
export function compiledName(relative: string): string;
/** Compiles `files` (relative to src/) into dist/; false when TypeScript is not installed. */
export function compileSources(root: string, files: readonly string[]): Promise<boolean>;
