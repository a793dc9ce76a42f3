// Module resolution hook (node:module `register`): src/index/build-lexicon resolves to
// ./build-lexicon.mjs, which wraps the real module (named in its URL) for everyone but itself.
const WRAPPER = new URL('./build-lexicon.mjs', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const fromWrapper = context.parentURL?.startsWith(WRAPPER) ?? false;
  if (fromWrapper || !/\/index\/build-lexicon\.[jt]s$/.test(new URL(resolved.url).pathname)) return resolved;
  return { url: `${WRAPPER}?actual=${encodeURIComponent(resolved.url)}`, format: 'module', shortCircuit: true };
}
