import { describe, expect, it } from 'vitest';
import { PLAIN, ansiSpans, applySgr, colour256, nearestColour, parseAnsi, stripAnsi, styleClass } from './ansi';

const E = '\u001b';

describe('ansiSpans', () => {
  it('keeps plain text as one unstyled span', () => {
    expect(ansiSpans('hello world')).toEqual([{ text: 'hello world', cls: '' }]);
    expect(ansiSpans('')).toEqual([]);
  });

  it('turns the 8 colours, their bright variants and backgrounds into classes', () => {
    expect(ansiSpans(`a${E}[31mred${E}[39m b`)).toEqual([
      { text: 'a', cls: '' },
      { text: 'red', cls: 'ansi-fg-1' },
      { text: ' b', cls: '' },
    ]);
    expect(ansiSpans(`${E}[37mw${E}[90mgrey${E}[97mwhite`)).toEqual([
      { text: 'w', cls: 'ansi-fg-7' },
      { text: 'grey', cls: 'ansi-fg-8' },
      { text: 'white', cls: 'ansi-fg-15' },
    ]);
    expect(ansiSpans(`${E}[42;30mok${E}[49m!${E}[101mX`)).toEqual([
      { text: 'ok', cls: 'ansi-fg-0 ansi-bg-2' },
      { text: '!', cls: 'ansi-fg-0' },
      { text: 'X', cls: 'ansi-fg-0 ansi-bg-9' },
    ]);
  });

  it('handles bold, dim, italic, underline and their resets', () => {
    expect(ansiSpans(`${E}[1mB${E}[22mn${E}[2;3;4mdiu${E}[23;24md`)).toEqual([
      { text: 'B', cls: 'ansi-bold' },
      { text: 'n', cls: '' },
      { text: 'diu', cls: 'ansi-dim ansi-italic ansi-underline' },
      { text: 'd', cls: 'ansi-dim' },
    ]);
    expect(ansiSpans(`${E}[1;31mbold red${E}[0m plain`)).toEqual([
      { text: 'bold red', cls: 'ansi-fg-1 ansi-bold' },
      { text: ' plain', cls: '' },
    ]);
  });

  it('resets on ESC[m and on an empty parameter', () => {
    expect(ansiSpans(`${E}[32mg${E}[mp${E}[33;mq`)).toEqual([
      { text: 'g', cls: 'ansi-fg-2' },
      { text: 'pq', cls: '' },
    ]);
  });

  it('maps 256-colour and true-colour codes to the nearest of the 16', () => {
    expect(ansiSpans(`${E}[38;5;196mr${E}[38;5;4mb${E}[48;5;46mg`)).toEqual([
      { text: 'r', cls: 'ansi-fg-9' },
      { text: 'b', cls: 'ansi-fg-4' },
      { text: 'g', cls: 'ansi-fg-4 ansi-bg-10' },
    ]);
    expect(ansiSpans(`${E}[38;2;250;10;10mr${E}[38:5:231mw`)).toEqual([
      { text: 'r', cls: 'ansi-fg-9' },
      { text: 'w', cls: 'ansi-fg-15' },
    ]);
    expect(colour256(232)).toBe(0);
    expect(colour256(244)).toBe(8);
    expect(colour256(256)).toBeNull();
    expect(nearestColour(0, 0, 0)).toBe(0);
  });

  it('ignores SGR codes it does not know, and a malformed colour', () => {
    expect(ansiSpans(`${E}[5;31mblink${E}[38;9;1mx`)).toEqual([{ text: 'blinkx', cls: 'ansi-fg-1' }]);
    expect(applySgr(PLAIN, '38;5')).toEqual(PLAIN);
  });

  it('drops every other escape sequence and control character', () => {
    // Cursor moves, erase line, private modes, window titles, hyperlinks, charsets, keypad.
    const text =
      `${E}[2K${E}[1G${E}[?25lA${E}[3;4HB${E}]0;title\u0007C${E}]8;;https://example.com${E}\\link${E}]8;;${E}\\` +
      `${E}(BD${E}=E\u0007F\bG\u0000H`;
    expect(stripAnsi(text)).toBe('ABClinkDEFGH');
    expect(ansiSpans(text)).toEqual([{ text: 'ABClinkDEFGH', cls: '' }]);
  });

  it('keeps tabs, and lets a carriage return start the line over', () => {
    expect(stripAnsi('a\tb')).toBe('a\tb');
    expect(stripAnsi('10%\r50%\r100%')).toBe('100%');
    expect(stripAnsi('done\r')).toBe('done');
  });

  it('never turns text into markup: <script> stays text', () => {
    const spans = ansiSpans(`${E}[31m<script>alert("x")</script>${E}[0m<b>&amp;</b>`);
    expect(spans).toEqual([
      { text: '<script>alert("x")</script>', cls: 'ansi-fg-1' },
      { text: '<b>&amp;</b>', cls: '' },
    ]);
  });
});

describe('parseAnsi', () => {
  it('starts from the style given and returns the style at the end', () => {
    const first = parseAnsi(`${E}[34mblue`);
    expect(first.style.fg).toBe(4);
    const next = parseAnsi('still blue', first.style);
    expect(next.spans).toEqual([{ text: 'still blue', cls: 'ansi-fg-4' }]);
  });

  it('hands back an escape sequence cut off at the end, for the next chunk', () => {
    for (const cut of [`${E}`, `${E}[`, `${E}[3`, `${E}[38;5`, `${E}]0;ti`, `${E}(`]) {
      const parsed = parseAnsi(`text${cut}`);
      expect(parsed.spans).toEqual([{ text: 'text', cls: '' }]);
      expect(parsed.rest).toBe(cut);
    }
    const joined = parseAnsi(`${E}[3` + '1mred');
    expect(joined.spans).toEqual([{ text: 'red', cls: 'ansi-fg-1' }]);
  });

  it('names the classes of a style', () => {
    expect(styleClass(PLAIN)).toBe('');
    expect(styleClass({ ...PLAIN, fg: 12, bg: 0, bold: true, underline: true })).toBe('ansi-fg-12 ansi-bg-0 ansi-bold ansi-underline');
  });
});
