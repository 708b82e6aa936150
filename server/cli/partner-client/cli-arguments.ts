/** Command-line arguments: positional words, and `--name value` options. */
export interface CliArguments {
  positional: string[];
  options: Map<string, string>;
}

/**
 * Splits `argv` into positional words and `--name value` (or `--name=value`)
 * options. Throws an Error for an option without its value.
 */
export function parseCliArguments(argv: readonly string[]): CliArguments {
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (let index = 0; index < argv.length; index += 1) {
    const word = argv[index]!;
    if (!word.startsWith('--')) {
      positional.push(word);
      continue;
    }
    const separator = word.indexOf('=');
    if (separator > 0) {
      options.set(word.slice(2, separator), word.slice(separator + 1));
      continue;
    }
    const value = argv[index + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`option ${word} needs a value`);
    options.set(word.slice(2), value);
    index += 1;
  }
  return { positional, options };
}
