/**
 * A pull reader of one large JSON text, fed chunk by chunk, for documents too large for one
 * string. It walks the outer structure itself (objects, arrays, keys) and hands each complete
 * inner value to the engine's own JSON.parse, so a record costs one native parse and memory holds
 * one chunk and one record at a time. Any layout of whitespace is accepted.
 */

/** Where the text ended early or broke JSON's grammar. */
export class JsonStreamError extends Error {
  override name = 'JsonStreamError';
  constructor(message: string, readonly truncated: boolean) {
    super(message);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/**
 * A line cut by the end of the text read so far is read on by one more piece only while what is
 * left of it is shorter than this: a longer line (a document written without line breaks) goes to
 * the scanner, so that no text is held or searched again for a line break that may never come.
 */
const LONG_LINE = 64 * 1024;

/**
 * The longest string an import takes, in characters of the file's JSON text (escapes counted as
 * written): 32 Mi, far beyond any note. A longer one is refused as soon as the reader reaches
 * this length, so the import is rolled back within a fraction of a second instead of parsing on.
 */
export const MAX_STRING_CHARS = 32 * 1024 * 1024;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

export class JsonStreamReader {
  private buf = '';
  private pos = 0;
  private ended = false;
  private first = true;
  /** Characters of the text dropped from the front of `buf` so far (buf[0] is this far into the text). */
  private dropped = 0;
  /** How far into the text no line break is known to be: nothing is searched twice. */
  private noBreakBefore = 0;

  /** `next` returns the next piece of text, or null at the end. */
  constructor(private readonly next: () => string | null) {}

  /** Appends the next chunk, dropping what has been read; offsets from `pos` stay valid. */
  private refill(): boolean {
    if (this.ended) return false;
    let chunk = this.next();
    if (chunk === null) {
      this.ended = true;
      return false;
    }
    if (this.first) {
      this.first = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    const rest = this.pos >= this.buf.length ? '' : this.buf.slice(this.pos);
    // A value longer than a piece (a long string) is searched again from where the last search
    // stopped, but every search of a text built by `+` copies it whole: so the text read ahead
    // at least doubles each time, and a value of n characters costs O(n), not O(n²) (finding 6).
    const parts = [chunk];
    for (let size = chunk.length; size < rest.length;) {
      const more = this.next();
      if (more === null) {
        this.ended = true;
        break;
      }
      parts.push(more);
      size += more.length;
    }
    this.buf = rest + (parts.length === 1 ? chunk : parts.join(''));
    this.dropped += this.pos;
    this.pos = 0;
    return true;
  }

  /** The next character that is not white space, without reading it; '' at the end of the text. */
  peek(): string {
    for (;;) {
      while (this.pos < this.buf.length && isSpace(this.buf.charCodeAt(this.pos))) this.pos++;
      if (this.pos < this.buf.length) return this.buf[this.pos]!;
      if (!this.refill()) return '';
    }
  }

  /** The keys read so far in each object the walk is in (for `key`'s check of duplicates). */
  private readonly keysOf: Set<string>[] = [];

  /** Reads `char` (after white space), or fails naming what was expected. */
  expect(char: string, what: string): void {
    const found = this.peek();
    if (found !== char) throw this.unexpected(found, what);
    this.pos++;
    if (char === '{') this.keysOf.push(new Set());
  }

  /** After an element: true when another follows (a comma), false at the closing `close`. */
  more(close: '}' | ']', what: string): boolean {
    const found = this.peek();
    if (found === ',') {
      this.pos++;
      return true;
    }
    if (found === close) {
      this.pos++;
      if (close === '}') this.keysOf.pop();
      return false;
    }
    throw this.unexpected(found, `"," or "${close}" ${what}`);
  }

  /** Reads `close` if it comes next (an empty object or array). */
  closes(close: '}' | ']'): boolean {
    if (this.peek() !== close) return false;
    this.pos++;
    if (close === '}') this.keysOf.pop();
    return true;
  }

  /** An object key and its colon. A key the object has already is refused: JSON.parse would keep the last one without a word. */
  key(what: string): string {
    if (this.peek() !== '"') throw this.unexpected(this.peek(), `a key ${what}`);
    const key = this.value() as string;
    this.expect(':', `":" after the key "${key}"`);
    const keys = this.keysOf[this.keysOf.length - 1];
    if (keys?.has(key)) throw new JsonStreamError(`the key "${key}" appears twice ${what}`, false);
    keys?.add(key);
    return key;
  }

  /** True when only white space is left. */
  atEnd(): boolean {
    return this.peek() === '';
  }

  /** Reads one complete JSON value of any kind and parses it. */
  value(): unknown {
    const head = this.peek();
    if (head === '') throw new JsonStreamError('the text ends where a value was expected', true);
    if (head === '{' || head === '[') {
      const whole = this.wholeLine(head === '{' ? CLOSE_OBJECT : CLOSE_ARRAY);
      if (whole !== undefined) return whole;
    }
    const length = head === '"' ? this.stringLength(0)
      : head === '{' || head === '[' ? this.containerLength()
      : this.scalarLength();
    const text = this.buf.slice(this.pos, this.pos + length);
    this.pos += length;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new JsonStreamError(`invalid JSON: ${(error as Error).message}`, false);
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new JsonStreamError(`the number ${text.slice(0, 40)} is beyond what a number can hold`, false);
    }
    return value;
  }

  /**
   * The fast path for a record on a line of its own (the layout `tpt export` writes): when the
   * rest of the line, less a trailing comma, parses, it is exactly this value, because a JSON
   * object or array ends at the bracket that matches its first. Anything else takes the scanner.
   */
  private wholeLine(close: number): unknown {
    let newline = this.lineBreak();
    if (newline === -1) {
      // A line cut by the end of the text read so far: one more piece, unless the line is long.
      if (this.buf.length - this.pos >= LONG_LINE || !this.refill()) return undefined;
      newline = this.lineBreak();
      if (newline === -1) return undefined;
    }
    let end = newline;
    while (end > this.pos && isSpace(this.buf.charCodeAt(end - 1))) end--;
    if (this.buf.charCodeAt(end - 1) === COMMA) end--;
    if (this.buf.charCodeAt(end - 1) !== close) return undefined;
    try {
      const value: unknown = JSON.parse(this.buf.slice(this.pos, end));
      this.pos = end;
      return value;
    } catch {
      return undefined;
    }
  }

  /** The offset in `buf` of the next line break from `pos`, or -1 (remembering how far there is none). */
  private lineBreak(): number {
    const found = this.buf.indexOf('\n', Math.max(this.pos, this.noBreakBefore - this.dropped));
    if (found === -1) this.noBreakBefore = this.dropped + this.buf.length;
    return found;
  }

  /** The length of the string that opens at offset `at` (from pos), closing quote included. */
  private stringLength(at: number): number {
    let from = this.pos + at + 1;
    for (;;) {
      const close = this.buf.indexOf('"', from);
      if (close - (this.pos + at) > MAX_STRING_CHARS || (close === -1 && this.buf.length - (this.pos + at) > MAX_STRING_CHARS)) {
        throw new JsonStreamError(`a string is longer than ${MAX_STRING_CHARS / 1024 / 1024} Mi characters, more than tpt takes in one field: split or shorten it`, false);
      }
      if (close === -1) {
        const offset = from - this.pos;
        if (!this.refill()) throw new JsonStreamError('the text ends inside a string', true);
        from = this.pos + offset;
        continue;
      }
      let slashes = 0;
      for (let i = close - 1; this.buf.charCodeAt(i) === BACKSLASH; i--) slashes++;
      if (slashes % 2 === 0) return close - this.pos + 1;
      from = close + 1;
    }
  }

  private containerLength(): number {
    let depth = 0;
    let k = 0;
    for (;;) {
      if (this.pos + k >= this.buf.length) {
        if (!this.refill()) throw new JsonStreamError('the text ends inside an object or array', true);
        continue;
      }
      const code = this.buf.charCodeAt(this.pos + k);
      if (code === QUOTE) {
        k = this.stringLength(k);
        continue;
      }
      if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
        depth++;
      } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
        depth--;
        if (depth === 0) return k + 1;
      }
      k++;
    }
  }

  private scalarLength(): number {
    let k = 0;
    for (;;) {
      if (this.pos + k >= this.buf.length) {
        if (!this.refill()) return k;
        continue;
      }
      const code = this.buf.charCodeAt(this.pos + k);
      if (code === COMMA || code === CLOSE_OBJECT || code === CLOSE_ARRAY || isSpace(code)) return k;
      k++;
    }
  }

  private unexpected(found: string, what: string): JsonStreamError {
    return found === ''
      ? new JsonStreamError(`the text ends where ${what} was expected`, true)
      : new JsonStreamError(`found "${found}" where ${what} was expected`, false);
  }
}
