/**
 * A long shell command shown one option per line, each line but the last ending in ` \`, so it
 * fits a code block and still pastes as the same command. Lines break only at a space followed
 * by `--` outside quotes, so a quoted start command is never split.
 */
export function shellLines(command: string): string[] {
  const breaks: number[] = [];
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
    } else if (c === '\\') {
      i++; // an escaped character (outside single quotes) is never a quote or a break
    } else if (quote === '"') {
      if (c === '"') quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === ' ' && command.startsWith('--', i + 1)) {
      breaks.push(i);
    }
  }
  const ends = [...breaks, command.length];
  return ends.map((end, n) => {
    const start = n === 0 ? 0 : breaks[n - 1]! + 1;
    const text = command.slice(start, end);
    return `${n === 0 ? '' : '  '}${text}${n < ends.length - 1 ? ' \\' : ''}`;
  });
}
