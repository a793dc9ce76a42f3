/** Set to 1 to keep npm's portable build of hnswlib-node. */
export const PORTABLE_SETTING: string;
/** The compiler flags for the CPU a `/proc/cpuinfo` text describes, or undefined. */
export function vectorFlags(cpuinfo: string | undefined, arch?: string): string[] | undefined;
/** Compiles node_modules/hnswlib-node for this CPU unless it already is; what it did, for the log. */
export function tuneHnswlib(root: string, options?: { env?: NodeJS.ProcessEnv; cpuinfo?: string | undefined }): string | undefined;
/** The flags the addon of an installed hnswlib-node (its package folder) was compiled with for the CPU, if it was. */
export function tunedFlags(packageDir: string): string | undefined;
/** `/proc/cpuinfo`, or undefined where there is none. */
export function readCpuInfo(): string | undefined;
/** The folder of the hnswlib-node that Tether's code loads. */
export function installedHnswlib(): string;
