import { limit } from '../../src/http/limit.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test('runs at most N at once, queued tasks in call order, each with its own result', async () => {
  const slot = limit(2);
  const gates = [deferred(), deferred(), deferred(), deferred()];
  const startedOrder: number[] = [];
  const results = gates.map((g, i) =>
    slot(async () => {
      startedOrder.push(i);
      await g.promise;
      return i * 10;
    }),
  );
  await Promise.resolve();
  expect(startedOrder).toEqual([0, 1]);
  gates[1]!.resolve();
  await results[1];
  await Promise.resolve();
  expect(startedOrder).toEqual([0, 1, 2]);
  gates.forEach((g) => g.resolve());
  expect(await Promise.all(results)).toEqual([0, 10, 20, 30]);
  expect(startedOrder).toEqual([0, 1, 2, 3]);
});

test('a failing task rejects its own call and frees its slot, even when it throws synchronously', async () => {
  const slot = limit(1);
  const boom = slot<never>(() => {
    throw new Error('sync boom');
  });
  const rejected = slot(() => Promise.reject(new Error('async boom')));
  const after = slot(async () => 'ran');
  await expect(boom).rejects.toThrow('sync boom');
  await expect(rejected).rejects.toThrow('async boom');
  expect(await after).toBe('ran');
});
