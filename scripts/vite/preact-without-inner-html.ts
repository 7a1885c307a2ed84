/**
 * Takes the one `innerHTML` assignment out of Preact before it is bundled.
 *
 * Preact writes `element.innerHTML = props.dangerouslySetInnerHTML.__html`
 * when a component passes that prop. Sammelpunkt never does (every text is
 * rendered as text), but the assignment still ships in every bundle with
 * Preact in it, and Mozilla's linter flags it (UNSAFE_VAR_ASSIGNMENT) in the
 * detector and in the pages' shared chunk, which AMO's reviewers then ask
 * about. This plugin replaces it with a throw: the path stays unreachable,
 * and were it ever reached, it fails loudly instead of writing markup.
 *
 * The build fails if the pattern is not found exactly once, so a Preact
 * upgrade that reshapes the code is noticed, not silently let through
 * (test/scripts/vite/preact-without-inner-html.test.ts).
 */
import type { Plugin } from 'vite';

const PREACT_BUNDLE = /[\\/]node_modules[\\/]preact[\\/]dist[\\/]preact\.mjs$/;
const ASSIGNMENT = /\((\w+)\.innerHTML=(\w+)\.__html\)/g;
const REFUSAL = '(()=>{throw new Error("Sammelpunkt: dangerouslySetInnerHTML is not supported")})()';

/** Preact's module with the assignment replaced; throws when the code is not shaped as expected. */
export function withoutInnerHtml(code: string): string {
  const found = code.match(ASSIGNMENT)?.length ?? 0;
  if (found !== 1) {
    throw new Error(`expected exactly one innerHTML assignment in Preact's bundle, found ${found}: check scripts/vite/preact-without-inner-html.ts against this Preact version`);
  }
  return code.replace(ASSIGNMENT, REFUSAL);
}

export function preactWithoutInnerHtml(): Plugin {
  return {
    name: 'sammelpunkt:preact-without-inner-html',
    enforce: 'pre',
    transform(code, id) {
      if (!PREACT_BUNDLE.test(id.split('?')[0] ?? id)) return undefined;
      return { code: withoutInnerHtml(code), map: null };
    },
  };
}
