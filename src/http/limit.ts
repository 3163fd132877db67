/**
 * Bounded concurrency, p-limit style: `const slot = limit(8); slot(() => work())` runs at most
 * 8 tasks at once, the rest in call order as slots free up. Each call resolves or rejects
 * with its own task's outcome.
 */
export function limit(concurrency: number): <T>(task: () => Promise<T>) => Promise<T> {
  const max = Math.max(1, Math.floor(concurrency));
  const queue: Array<() => void> = [];
  let active = 0;
  const release = () => {
    active--;
    queue.shift()?.();
  };
  return (task) =>
    new Promise((resolve, reject) => {
      const start = () => {
        active++;
        // async wrapper: a task that throws synchronously still rejects and frees its slot.
        (async () => task())().then(resolve, reject).finally(release);
      };
      if (active < max) start();
      else queue.push(start);
    });
}
