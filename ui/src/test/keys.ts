// Well-formed synthetic keys for the tests: the shapes of core's catalog (which the fake
// backend checks as Rust does), filled with a fixed random-looking text, so that a test
// can give a key that "looks like an OpenAI key" without holding a real one.
import { githubToken } from './fakeChecks';

const FILLER = 'q8ZfT1Lw0PmR3vKc7NbYs2HdJ9gAe4UoWm5BrQ6tVj3CnDk8FhGp1Ls0Zx7Ry2Mw4Ta9Ub6Sc3Ed5Wf8Vg1Ih7Oj0Pk4Ql2Rm9Sn6To3Up';

function fill(tag: string, length: number): string {
  let text = tag;
  while (text.length < length) text += FILLER;
  return text.slice(0, length);
}

/** An OpenAI project key (or `admin`, `svcacct`) whose body starts with `tag`. */
export function openaiKey(tag: string, kind: 'proj' | 'admin' | 'svcacct' = 'proj'): string {
  return `sk-${kind}-${fill(tag, 64)}T3BlbkFJ${fill('', 64)}`;
}

/** An Anthropic API key whose body starts with `tag`. */
export function anthropicKey(tag: string): string {
  return `sk-ant-api03-${fill(tag, 93)}AA`;
}

/** A Hugging Face token whose body starts with `tag`. */
export function hfToken(tag: string): string {
  return `hf_${fill(tag, 34)}`;
}

/** A GitHub classic token with a correct checksum, its body starting with `tag`. */
export function ghToken(tag: string): string {
  return githubToken(fill(tag, 30));
}
