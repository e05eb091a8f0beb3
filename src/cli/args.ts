/**
 * The command-line parser: a command declares its positionals and options once (CommandSpec),
 * and the same declaration drives parsing, the one-line usage and `--help`. Hand-written because
 * the rules are few and a dependency would still need this layer to produce our error lines.
 *
 * Accepted forms: `--name value`, `--name=value`, boolean `--flag`, `-h`/`--help` anywhere, and
 * `--` to end options (an order id that starts with "-" then still works).
 */

export interface OptionSpec {
  /** Without the leading dashes, e.g. "carrier". */
  name: string;
  /** Placeholder shown in usage, e.g. "CODE"; absent for a boolean flag. */
  value?: string;
  required?: boolean;
  /** May be given more than once (e.g. --item). */
  repeatable?: boolean;
  /** The only accepted values: anything else is a usage error that lists them. */
  choices?: readonly string[];
  description: string;
}

export interface PositionalSpec {
  name: string;
  description: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  positionals: readonly PositionalSpec[];
  options: readonly OptionSpec[];
  /** Extra lines for --help (examples, caveats). */
  notes?: readonly string[];
}

/** A mistake in how the command was called: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export class ParsedArgs {
  constructor(
    private readonly spec: CommandSpec,
    private readonly positionalValues: ReadonlyMap<string, string>,
    private readonly optionValues: ReadonlyMap<string, readonly string[]>,
    private readonly flags: ReadonlySet<string>,
    readonly help: boolean,
  ) {}

  positional(name: string): string {
    const value = this.positionalValues.get(name);
    if (value === undefined) throw new Error(`${this.spec.name}: no positional ${name} in its spec`);
    return value;
  }

  /** The value of a non-repeatable option, or undefined when absent. */
  value(name: string): string | undefined {
    this.known(name, 'value');
    return this.optionValues.get(name)?.[0];
  }

  /** Every value of a repeatable option, in the order given. */
  values(name: string): readonly string[] {
    this.known(name, 'value');
    return this.optionValues.get(name) ?? [];
  }

  flag(name: string): boolean {
    this.known(name, 'flag');
    return this.flags.has(name);
  }

  private known(name: string, kind: 'value' | 'flag'): void {
    const option = this.spec.options.find((o) => o.name === name);
    // A programming error in a command module, not a user mistake: fail loudly.
    if (!option || (kind === 'flag') !== (option.value === undefined))
      throw new Error(`${this.spec.name}: --${name} is not a ${kind} option in its spec`);
  }
}

export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  // --help wins over every other mistake: someone asking for help should get it.
  const end = argv.indexOf('--');
  if ((end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '-h' || arg === '--help')) {
    return new ParsedArgs(spec, new Map(), new Map(), new Set(), true);
  }
  const positionals: string[] = [];
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  let optionsEnded = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (optionsEnded || arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      optionsEnded = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(`unknown flag ${arg}`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const option = spec.options.find((o) => o.name === name);
    if (!option) throw new UsageError(`unknown flag --${name}`);

    if (option.value === undefined) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      flags.add(name);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      // "--carrier --tracking X" is a forgotten value, not a carrier named "--tracking".
      if (next === undefined || (next.startsWith('--') && next.length > 2))
        throw new UsageError(`--${name} needs a value (${option.value})`);
      value = next;
      i++;
    }
    if (value === '') throw new UsageError(`--${name} needs a non-empty value (${option.value})`);
    if (option.choices && !option.choices.includes(value)) {
      throw new UsageError(`--${name} must be one of ${option.choices.join(', ')}; got ${JSON.stringify(value)}`);
    }
    const list = values.get(name) ?? [];
    if (list.length > 0 && !option.repeatable) throw new UsageError(`--${name} given more than once`);
    list.push(value);
    values.set(name, list);
  }

  const positionalValues = new Map<string, string>();
  for (const [index, positional] of spec.positionals.entries()) {
    const value = positionals[index];
    if (value === undefined) throw new UsageError(`missing <${positional.name}>`);
    if (value === '') throw new UsageError(`<${positional.name}> must not be empty`);
    positionalValues.set(positional.name, value);
  }
  const extra = positionals[spec.positionals.length];
  if (extra !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(extra)}`);
  for (const option of spec.options) {
    if (option.required && !values.has(option.name))
      throw new UsageError(`missing --${option.name} ${option.value ?? ''}`.trimEnd());
  }
  return new ParsedArgs(spec, positionalValues, values, flags, false);
}

/** `--limit 20`: a whole number within bounds, else a usage error naming the flag. */
export function parseWholeNumber(text: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`--${flag} must be a whole number, got ${JSON.stringify(text)}`);
  const value = Number(text);
  if (value < min || value > max) throw new UsageError(`--${flag} must be from ${min} to ${max}, got ${text}`);
  return value;
}

/** One line: `fb-orders ship <orderId> --carrier CODE [--item SKU:QTY ...]`. */
export function usageLine(spec: CommandSpec): string {
  const parts = [`fb-orders ${spec.name}`, ...spec.positionals.map((p) => `<${p.name}>`)];
  for (const option of spec.options) {
    const text = `--${option.name}${option.value ? ` ${option.value}` : ''}${option.repeatable ? ' ...' : ''}`;
    parts.push(option.required ? text : `[${text}]`);
  }
  return parts.join(' ');
}

/** Full help for one command: usage, arguments, options (with their choices) and notes. */
export function commandHelp(spec: CommandSpec): string {
  const lines = [`usage: ${usageLine(spec)}`, '', spec.summary];
  const rows: [string, string][] = [
    ...spec.positionals.map((p): [string, string] => [`<${p.name}>`, p.description]),
    ...spec.options.map((o): [string, string] => {
      const choices = o.choices ? ` One of: ${o.choices.join(', ')}.` : '';
      return [
        `--${o.name}${o.value ? ` ${o.value}` : ''}`,
        `${o.description}${o.required ? ' (required)' : ''}${choices}`,
      ];
    }),
    ['-h, --help', 'show this help'],
  ];
  const width = Math.max(...rows.map(([left]) => left.length));
  lines.push('', ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`));
  if (spec.notes?.length) lines.push('', ...spec.notes);
  return `${lines.join('\n')}\n`;
}
