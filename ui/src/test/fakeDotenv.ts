// The fake backend's copy of core's .env reader (latchkey_core::dotenv): comments, blank
// lines, `export `, single and double quotes with their escapes, inline comments, and
// `${NAME}` / `${NAME:-default}` from the file's earlier entries. Errors name the line and
// never quote it, as Rust's do.

export type DotenvEntry = { name: string; value: string };

/** A line that is not NAME=value: Rust's DotenvError::Syntax, code `invalid_file`. */
export class DotenvSyntaxError extends Error {}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function unquote(raw: string, quote: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    const next = raw[i + 1];
    if (c !== '\\' || next === undefined) {
      out += c;
      continue;
    }
    const escapes: Record<string, string> =
      quote === '"'
        ? { '\\': '\\', "'": "'", '"': '"', a: '\u0007', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' }
        : { '\\': '\\', "'": "'" };
    if (next in escapes) {
      out += escapes[next];
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

function expand(value: string, lookup: (name: string) => string | undefined): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_, name: string, fallback?: string) => {
    const found = lookup(name);
    return found !== undefined && found !== '' ? found : (fallback ?? '');
  });
}

/** The entries of a .env text, the last definition of a name winning, in file order. */
export function parseDotenv(text: string): DotenvEntry[] {
  const entries: DotenvEntry[] = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    const fail = (reason: string) => new DotenvSyntaxError(`line ${start}: ${reason}`);
    let line = lines[i].replace(/^[ \t]+/, '');
    if (line === '' || line.startsWith('#')) continue;
    if (/^export[ \t]/.test(line)) line = line.slice('export'.length).replace(/^[ \t]+/, '');
    const name = /^[^=\s#]*/.exec(line)![0];
    if (name === '') throw fail('expected NAME=value');
    let rest = line.slice(name.length).replace(/^[ \t]+/, '');
    if (!rest.startsWith('=')) {
      if (rest === '' || rest.startsWith('#')) continue;
      throw fail('expected `=` after the name: write NAME=value');
    }
    rest = rest.slice(1).replace(/^[ \t]+/, '');
    let value: string;
    const quote = rest[0];
    if (quote === '"' || quote === "'") {
      // A quoted value may run over several lines.
      let body = rest.slice(1);
      let end = -1;
      for (;;) {
        for (let j = 0; j < body.length; j++) {
          if (body[j] === '\\' && body[j + 1] === quote) j++;
          else if (body[j] === quote) {
            end = j;
            break;
          }
        }
        if (end >= 0 || i + 1 >= lines.length) break;
        body += `\n${lines[++i]}`;
      }
      if (end < 0) throw fail(`the value opens a ${quote} quote that is never closed`);
      const tail = body.slice(end + 1).trim();
      if (tail !== '' && !tail.startsWith('#')) throw fail('unexpected text after the quoted value');
      value = unquote(body.slice(0, end), quote);
    } else {
      const comment = [rest.indexOf(' #'), rest.indexOf('\t#')].filter((at) => at >= 0);
      value = (comment.length > 0 ? rest.slice(0, Math.min(...comment)) : rest).trimEnd();
    }
    if (!VARIABLE_NAME.test(name)) {
      throw fail('the name is not a variable name: use letters, digits and `_`, not starting with a digit');
    }
    value = expand(value, (n) => entries.find((e) => e.name === n)?.value);
    const at = entries.findIndex((e) => e.name === name);
    if (at >= 0) entries.splice(at, 1);
    entries.push({ name, value });
  }
  return entries;
}
