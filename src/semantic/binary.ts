import fs from 'node:fs/promises';

/**
 * A small binary container for typed arrays and text: a magic number, a JSON header naming each
 * section's type, offset and length, then the sections, each 8-byte aligned so typed arrays view
 * the file's buffer directly. Reading it is a few milliseconds whatever its size: nothing is parsed
 * but the header.
 */

const MAGIC = 0x4e424854; // "THBN" little-endian
const ALIGN = 8;

/** What a section may hold. */
export type SectionValue = string | Int8Array | Uint8Array | Uint32Array | Float32Array;
type SectionType = 'text' | 'int8' | 'uint8' | 'uint32' | 'float32';

interface SectionEntry {
  type: SectionType;
  offset: number;
  /** In bytes. */
  length: number;
}

function typeOf(value: SectionValue): SectionType {
  if (typeof value === 'string') return 'text';
  if (value instanceof Int8Array) return 'int8';
  if (value instanceof Uint8Array) return 'uint8';
  if (value instanceof Uint32Array) return 'uint32';
  return 'float32';
}

const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** Serialises a header (any JSON) and named sections into one buffer. */
export function writeSections(header: unknown, sections: Record<string, SectionValue>): Buffer {
  const bodies: Array<[string, SectionType, Uint8Array]> = Object.entries(sections).map(([name, value]) => [
    name,
    typeOf(value),
    typeof value === 'string' ? Buffer.from(value, 'utf8') : new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
  ]);
  const entries: Record<string, SectionEntry> = {};
  let offset = 0;
  for (const [name, type, bytes] of bodies) {
    entries[name] = { type, offset, length: bytes.byteLength };
    offset = align(offset + bytes.byteLength);
  }
  const headerBytes = Buffer.from(JSON.stringify({ header, sections: entries }), 'utf8');
  const dataStart = align(8 + headerBytes.byteLength);
  const out = Buffer.alloc(dataStart + offset);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(headerBytes.byteLength, 4);
  headerBytes.copy(out, 8);
  for (const [name, , bytes] of bodies) out.set(bytes, dataStart + entries[name]!.offset);
  return out;
}

/** Typed views of a container's sections; each getter throws when the section is missing or of another type. */
export interface Sections {
  names(): string[];
  text(name: string): string;
  int8(name: string): Int8Array;
  uint8(name: string): Uint8Array;
  uint32(name: string): Uint32Array;
  float32(name: string): Float32Array;
}

/**
 * Reads a cache file of sections and hands it to `read`; undefined when the file is missing or
 * `read` fails (a damaged or outdated cache is derived again by the caller).
 */
export async function readCachedSections<T>(file: string, read: (header: unknown, sections: Sections) => T | undefined): Promise<T | undefined> {
  const buffer = await fs.readFile(file).catch(() => undefined);
  if (!buffer) return undefined;
  try {
    const { header, sections } = readSections(buffer);
    return read(header, sections);
  } catch {
    return undefined;
  }
}

/** Reads a container written by `writeSections`; throws on anything else. */
export function readSections(input: Uint8Array): { header: unknown; sections: Sections } {
  // Typed views need an aligned start: a buffer sliced from Node's pool may not have one.
  const buffer = input.byteOffset % ALIGN === 0 ? input : new Uint8Array(input);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (buffer.byteLength < 8 || view.getUint32(0, true) !== MAGIC) throw new Error('not a Tether binary table');
  const headerLength = view.getUint32(4, true);
  const parsed = JSON.parse(Buffer.from(buffer.buffer, buffer.byteOffset + 8, headerLength).toString('utf8')) as {
    header: unknown;
    sections: Record<string, SectionEntry>;
  };
  const dataStart = align(8 + headerLength);
  const entry = (name: string, type: SectionType): SectionEntry => {
    const found = Object.hasOwn(parsed.sections, name) ? parsed.sections[name] : undefined;
    if (!found || found.type !== type) throw new Error(`binary table: no ${type} section "${name}"`);
    if (dataStart + found.offset + found.length > buffer.byteLength) throw new Error(`binary table: section "${name}" is cut short`);
    return found;
  };
  const at = (e: SectionEntry) => buffer.byteOffset + dataStart + e.offset;
  const sections: Sections = {
    names: () => Object.keys(parsed.sections),
    text(name) {
      const e = entry(name, 'text');
      return Buffer.from(buffer.buffer, at(e), e.length).toString('utf8');
    },
    int8(name) {
      const e = entry(name, 'int8');
      return new Int8Array(buffer.buffer, at(e), e.length);
    },
    uint8(name) {
      const e = entry(name, 'uint8');
      return new Uint8Array(buffer.buffer, at(e), e.length);
    },
    uint32(name) {
      const e = entry(name, 'uint32');
      return new Uint32Array(buffer.buffer, at(e), e.length / 4);
    },
    float32(name) {
      const e = entry(name, 'float32');
      return new Float32Array(buffer.buffer, at(e), e.length / 4);
    },
  };
  return { header: parsed.header, sections };
}

/**
 * A sorted list of words packed in one string, looked up by binary search: loading it allocates
 * one string and one offsets array, however many words it holds (a Map of 100,000 Chinese words
 * would take tens of milliseconds to build at every start).
 */
export class PackedWords {
  private constructor(
    private readonly blob: string,
    /** Start of word i in `blob`; word i ends where word i + 1 starts (`size + 1` entries). */
    private readonly offsets: Uint32Array,
  ) {}

  /** Packs words (duplicates dropped); `indexOf` then gives each its place in `sorted()`. */
  static pack(words: Iterable<string>): PackedWords {
    const sorted = [...new Set(words)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const offsets = new Uint32Array(sorted.length + 1);
    let at = 0;
    sorted.forEach((word, i) => {
      offsets[i] = at;
      at += word.length;
    });
    offsets[sorted.length] = at;
    return new PackedWords(sorted.join(''), offsets);
  }

  /** A packed list as stored: the concatenated words and their UTF-16 offsets. */
  static fromStored(blob: string, offsets: Uint32Array): PackedWords {
    if (offsets.length === 0 || offsets[offsets.length - 1] !== blob.length) throw new Error('packed words: offsets do not match the text');
    return new PackedWords(blob, offsets);
  }

  /** Number of words. */
  get size(): number {
    return this.offsets.length - 1;
  }

  /** Word i in sorted order. */
  at(i: number): string {
    return this.blob.slice(this.offsets[i], this.offsets[i + 1]);
  }

  /** The words in sorted order. */
  sorted(): string[] {
    return Array.from({ length: this.size }, (_, i) => this.at(i));
  }

  /** The sorted position of a word, or -1. */
  indexOf(word: string): number {
    const at = this.lowerBound(word);
    return at < this.size && this.offsets[at + 1]! - this.offsets[at]! === word.length && this.startsWith(at, word) ? at : -1;
  }

  /** True when some word starts with `prefix` (itself included): a longer match is still possible. */
  hasPrefix(prefix: string): boolean {
    const at = this.lowerBound(prefix);
    return at < this.size && this.startsWith(at, prefix);
  }

  /** The first sorted position whose word is not below `word`. */
  private lowerBound(word: string): number {
    let low = 0;
    let high = this.size;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.compare(middle, word) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /**
   * Word i against `word` in UTF-16 code units, as `<` compares strings, read in place: slicing
   * each probe of a binary search out of the blob was most of a sentence vector's cost.
   */
  private compare(i: number, word: string): number {
    const start = this.offsets[i]!;
    const length = this.offsets[i + 1]! - start;
    const shorter = Math.min(length, word.length);
    for (let k = 0; k < shorter; k += 1) {
      const difference = this.blob.charCodeAt(start + k) - word.charCodeAt(k);
      if (difference !== 0) return difference;
    }
    return length - word.length;
  }

  /** Whether word i starts with `prefix`. */
  private startsWith(i: number, prefix: string): boolean {
    const start = this.offsets[i]!;
    if (this.offsets[i + 1]! - start < prefix.length) return false;
    for (let k = 0; k < prefix.length; k += 1) if (this.blob.charCodeAt(start + k) !== prefix.charCodeAt(k)) return false;
    return true;
  }

  /** The stored form: `[blob, offsets]`. */
  stored(): { blob: string; offsets: Uint32Array } {
    return { blob: this.blob, offsets: this.offsets };
  }
}
