/** Invalid configuration or usage: exit code 2, one line per problem, never a stack trace. */
export class UsageError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'UsageError';
  }
}

export const EXIT = { pass: 0, fail: 1, usage: 2, internal: 3 } as const;
