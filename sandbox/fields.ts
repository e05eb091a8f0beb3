/**
 * Graph's `fields` parameter: a comma list, nested with braces (`items{id,quantity}`), with
 * optional modifiers (`items.limit(5){id}`, and the older `items.fields(id,quantity)`). The
 * parser is strict: a syntax error is a (#100) error naming the position, never a silent default.
 */
import { invalidParameter } from './errors.js';

export interface FieldNode {
  name: string;
  /** `.limit(n)` on an edge. */
  limit?: number | undefined;
  /** Sub-selection; undefined = the field's defaults. */
  children?: FieldNode[] | undefined;
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const INTEGER = /\d{1,6}/y;

/** Deeper than any real selection; keeps a hostile `a{a{a{...}}}` from exhausting the stack. */
const MAX_DEPTH = 8;

class FieldParser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly text: string) {}

  parseAll(): FieldNode[] {
    const nodes = this.parseList();
    this.skipSpace();
    if (this.pos < this.text.length) this.fail(`unexpected '${this.text[this.pos]}'`);
    return nodes;
  }

  private parseList(): FieldNode[] {
    if (this.depth >= MAX_DEPTH) this.fail(`fields nest deeper than ${MAX_DEPTH} levels`);
    this.depth += 1;
    const nodes: FieldNode[] = [];
    for (;;) {
      nodes.push(this.parseField());
      this.skipSpace();
      if (this.text[this.pos] !== ',') {
        this.depth -= 1;
        return mergeDuplicates(nodes);
      }
      this.pos += 1;
    }
  }

  private parseField(): FieldNode {
    this.skipSpace();
    const node: FieldNode = { name: this.readName() };
    this.skipSpace();
    while (this.text[this.pos] === '.') {
      this.pos += 1;
      const modifier = this.readName();
      this.expect('(');
      if (modifier === 'limit') {
        node.limit = this.readInteger();
      } else if (modifier === 'fields') {
        node.children = this.parseList();
      } else {
        this.fail(`unsupported modifier '.${modifier}()'`);
      }
      this.expect(')');
      this.skipSpace();
    }
    if (this.text[this.pos] === '{') {
      this.pos += 1;
      node.children = this.parseList();
      this.expect('}');
    }
    return node;
  }

  private readName(): string {
    NAME.lastIndex = this.pos;
    const match = NAME.exec(this.text);
    if (!match) this.fail('expected a field name');
    this.pos = NAME.lastIndex;
    return match[0];
  }

  private readInteger(): number {
    this.skipSpace();
    INTEGER.lastIndex = this.pos;
    const match = INTEGER.exec(this.text);
    if (!match) this.fail('expected a number');
    this.pos = INTEGER.lastIndex;
    return Number(match[0]);
  }

  private expect(char: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== char) this.fail(`expected '${char}'`);
    this.pos += 1;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos += 1;
  }

  private fail(why: string): never {
    throw invalidParameter(`Syntax error in fields at character ${this.pos}: ${why}`);
  }
}

/** `a,b,a{x}` -> `a{x},b`: a repeated field keeps the richest selection. */
function mergeDuplicates(nodes: FieldNode[]): FieldNode[] {
  const byName = new Map<string, FieldNode>();
  for (const node of nodes) {
    const seen = byName.get(node.name);
    if (!seen) {
      byName.set(node.name, node);
      continue;
    }
    if (node.children) seen.children = mergeDuplicates([...(seen.children ?? []), ...node.children]);
    if (node.limit !== undefined) seen.limit = node.limit;
  }
  return [...byName.values()];
}

/**
 * Parses a `fields` value. Surrounding double quotes are dropped: Meta's own curl samples send
 * `fields="id,buyer_details"` literally.
 */
export function parseFields(raw: string): FieldNode[] {
  const text = raw.trim().replace(/^"(.*)"$/s, '$1');
  if (text === '') throw invalidParameter('Param fields must not be empty');
  return new FieldParser(text).parseAll();
}
