// Agent output as styled text: ANSI SGR sequences (colours, bold, dim, italic, underline)
// become spans with classes (the CSP has no 'unsafe-inline', so no inline colours: 256-colour
// and true-colour codes take the nearest of the 16 terminal colours). Every other escape
// sequence and control character is dropped. Spans hold plain text, rendered as text:
// nothing here is ever HTML.

export type AnsiStyle = {
  /** 0–15 (8–15 bright), null for the default. */
  readonly fg: number | null;
  readonly bg: number | null;
  readonly bold: boolean;
  readonly dim: boolean;
  readonly italic: boolean;
  readonly underline: boolean;
};

/** A run of text in one style; `cls` is its class list ('' when plain). */
export type AnsiSpan = { text: string; cls: string };

export const PLAIN: AnsiStyle = Object.freeze({ fg: null, bg: null, bold: false, dim: false, italic: false, underline: false });

const ESC = '\u001b';
const BEL = '\u0007';

/** The classes of a style: `ansi-fg-N`, `ansi-bg-N`, `ansi-bold`, `ansi-dim`, `ansi-italic`, `ansi-underline`. */
export function styleClass(s: AnsiStyle): string {
  const cls: string[] = [];
  if (s.fg !== null) cls.push(`ansi-fg-${s.fg}`);
  if (s.bg !== null) cls.push(`ansi-bg-${s.bg}`);
  if (s.bold) cls.push('ansi-bold');
  if (s.dim) cls.push('ansi-dim');
  if (s.italic) cls.push('ansi-italic');
  if (s.underline) cls.push('ansi-underline');
  return cls.join(' ');
}

// xterm's 16 colours, to map 256-colour and RGB codes onto.
const BASE: readonly (readonly [number, number, number])[] = [
  [0, 0, 0],
  [205, 0, 0],
  [0, 205, 0],
  [205, 205, 0],
  [0, 0, 238],
  [205, 0, 205],
  [0, 205, 205],
  [229, 229, 229],
  [127, 127, 127],
  [255, 0, 0],
  [0, 255, 0],
  [255, 255, 0],
  [92, 92, 255],
  [255, 0, 255],
  [0, 255, 255],
  [255, 255, 255],
];
const CUBE = [0, 95, 135, 175, 215, 255];

/** The nearest of the 16 colours to an RGB colour. */
export function nearestColour(r: number, g: number, b: number): number {
  let best = 0;
  let bestDistance = Infinity;
  BASE.forEach(([br, bg, bb], i) => {
    const d = (r - br) ** 2 + (g - bg) ** 2 + (b - bb) ** 2;
    if (d < bestDistance) {
      best = i;
      bestDistance = d;
    }
  });
  return best;
}

/** One of the 256 xterm colours as one of the 16 (null when out of range). */
export function colour256(n: number): number | null {
  if (!Number.isInteger(n) || n < 0 || n > 255) return null;
  if (n < 16) return n;
  if (n < 232) {
    const i = n - 16;
    return nearestColour(CUBE[Math.floor(i / 36)], CUBE[Math.floor(i / 6) % 6], CUBE[i % 6]);
  }
  const grey = 8 + (n - 232) * 10;
  return nearestColour(grey, grey, grey);
}

function byte(n: number | undefined): number | null {
  return n !== undefined && Number.isInteger(n) && n >= 0 && n <= 255 ? n : null;
}

/** `style` after the SGR parameters `params` (`ESC [ params m`). Unknown codes change nothing. */
export function applySgr(style: AnsiStyle, params: string): AnsiStyle {
  // Sub-parameters (38:5:196) read like parameters (38;5;196); an empty one is 0.
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  let s: { -readonly [K in keyof AnsiStyle]: AnsiStyle[K] } = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c === 0) s = { ...PLAIN };
    else if (c === 1) s.bold = true;
    else if (c === 2) s.dim = true;
    else if (c === 3) s.italic = true;
    else if (c === 4) s.underline = true;
    else if (c === 22) s.bold = s.dim = false;
    else if (c === 23) s.italic = false;
    else if (c === 24) s.underline = false;
    else if (c >= 30 && c <= 37) s.fg = c - 30;
    else if (c === 39) s.fg = null;
    else if (c >= 40 && c <= 47) s.bg = c - 40;
    else if (c === 49) s.bg = null;
    else if (c >= 90 && c <= 97) s.fg = c - 90 + 8;
    else if (c >= 100 && c <= 107) s.bg = c - 100 + 8;
    else if (c === 38 || c === 48) {
      let colour: number | null = null;
      if (codes[i + 1] === 5) {
        colour = colour256(codes[i + 2]);
        i += 2;
      } else if (codes[i + 1] === 2) {
        const [r, g, b] = [byte(codes[i + 2]), byte(codes[i + 3]), byte(codes[i + 4])];
        colour = r === null || g === null || b === null ? null : nearestColour(r, g, b);
        i += 4;
      } else {
        break; // a colour we cannot read: the rest of the sequence is ambiguous
      }
      if (colour !== null) {
        if (c === 38) s.fg = colour;
        else s.bg = colour;
      }
    }
  }
  return s;
}

function between(ch: string, lo: number, hi: number): boolean {
  const code = ch.charCodeAt(0);
  return code >= lo && code <= hi;
}

/** Where the string control sequence (OSC, DCS, …) starting at `from` ends, or -1. */
function stringEnd(text: string, from: number): number {
  for (let j = from; j < text.length; j++) {
    if (text[j] === BEL || text[j] === '\u009c') return j + 1;
    if (text[j] === ESC) {
      if (j + 1 >= text.length) return -1;
      if (text[j + 1] === '\\') return j + 2;
    }
  }
  return -1;
}

export type Parsed = {
  spans: AnsiSpan[];
  /** The style at the end of the text, for the text that follows. */
  style: AnsiStyle;
  /** An escape sequence cut off at the end of the text: put it before the next chunk. */
  rest: string;
};

/**
 * `text` (one line, no '\n') as styled spans, starting in `style`. A carriage return
 * starts the line over (progress bars); other escapes and control characters are dropped.
 */
export function parseAnsi(text: string, style: AnsiStyle = PLAIN): Parsed {
  let spans: AnsiSpan[] = [];
  let current = style;
  let buf = '';
  const flush = () => {
    if (buf === '') return;
    const cls = styleClass(current);
    const last = spans.at(-1);
    if (last && last.cls === cls) last.text += buf;
    else spans.push({ text: buf, cls });
    buf = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === ESC) {
      if (i + 1 >= text.length) {
        flush();
        return { spans, style: current, rest: text.slice(i) };
      }
      const kind = text[i + 1];
      if (kind === '[') {
        // CSI: parameters 0x30–0x3F, intermediates 0x20–0x2F, then a final 0x40–0x7E.
        let j = i + 2;
        while (j < text.length && between(text[j], 0x30, 0x3f)) j++;
        const params = text.slice(i + 2, j);
        const paramsEnd = j;
        while (j < text.length && between(text[j], 0x20, 0x2f)) j++;
        if (j >= text.length) {
          flush();
          return { spans, style: current, rest: text.slice(i) };
        }
        if (between(text[j], 0x40, 0x7e)) {
          if (text[j] === 'm' && paramsEnd === j && /^[\d;:]*$/.test(params)) {
            flush();
            current = applySgr(current, params);
          }
          i = j + 1;
        } else {
          i = j; // malformed: drop what was read, keep the rest as text
        }
      } else if (kind === ']' || kind === 'P' || kind === 'X' || kind === '^' || kind === '_') {
        // OSC (titles, hyperlinks), DCS, SOS, PM, APC: dropped up to their terminator.
        const end = stringEnd(text, i + 2);
        if (end < 0) {
          flush();
          return { spans, style: current, rest: text.slice(i) };
        }
        i = end;
      } else if (between(kind, 0x20, 0x2f)) {
        // nF escapes (character sets): intermediates, then a final byte.
        let j = i + 1;
        while (j < text.length && between(text[j], 0x20, 0x2f)) j++;
        if (j >= text.length) {
          flush();
          return { spans, style: current, rest: text.slice(i) };
        }
        i = j + 1;
      } else {
        i += 2; // a two-character escape (ESC 7, ESC =, …)
      }
    } else if (ch === '\r') {
      // A carriage return mid-line: what follows overwrites the line.
      if (i + 1 < text.length && text[i + 1] !== '\n') {
        buf = '';
        spans = [];
      }
      i++;
    } else if (ch === '\t' || ch === '\n' || !(between(ch, 0x00, 0x1f) || between(ch, 0x7f, 0x9f))) {
      buf += ch;
      i++;
    } else {
      i++; // other control characters (bell, backspace, C1) are dropped
    }
  }
  flush();
  return { spans, style: current, rest: '' };
}

/** The spans of `text`, from the default style. */
export function ansiSpans(text: string): AnsiSpan[] {
  return parseAnsi(text).spans;
}

/** `text` without any escape sequence or control character. */
export function stripAnsi(text: string): string {
  return ansiSpans(text)
    .map((s) => s.text)
    .join('');
}
