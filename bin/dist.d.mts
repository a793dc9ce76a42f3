/** The entry points compiled into dist/, by name. */
export const ENTRY_POINTS: Record<string, string>;
/** Packages left in node_modules rather than bundled. */
export const EXTERNAL_PACKAGES: string[];
/** Why dist/ must be built again, or undefined when it is up to date. */
export function distIsStale(root: string): string | undefined;
/** Bundles the entry points into dist/; false when esbuild is not installed. */
export function buildDist(root: string, entryPoints?: Record<string, string>): Promise<boolean>;
