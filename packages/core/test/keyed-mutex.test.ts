import { AbortedError } from '@agent-release/core';
import { KeyedMutex } from '@agent-release/core/provider';
import { describe, expect, it } from 'vitest';

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

describe('KeyedMutex', () => {
  it('runs tasks of one key in order and frees idle keys', async () => {
    const mutex = new KeyedMutex();
    const order: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        mutex.run('k', async () => {
          order.push(`start ${name}`);
          await tick();
          order.push(`end ${name}`);
        }),
      ),
    );
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(mutex.size).toBe(0);
  });

  it('keeps going after a failed task', async () => {
    const mutex = new KeyedMutex();
    const first = mutex.run('k', async () => {
      throw new Error('x');
    });
    const second = mutex.run('k', async () => 'ok');
    await expect(first).rejects.toThrow('x');
    await expect(second).resolves.toBe('ok');
  });

  it('an aborted waiter leaves the queue without running and without unblocking the next early', async () => {
    const mutex = new KeyedMutex();
    const order: string[] = [];
    const controller = new AbortController();
    const first = mutex.run('k', async () => {
      await tick(20);
      order.push('first');
    });
    const second = mutex.run('k', async () => order.push('second'), controller.signal);
    const third = mutex.run('k', async () => order.push('third'));
    controller.abort();
    await expect(second).rejects.toBeInstanceOf(AbortedError);
    await Promise.all([first, third]);
    expect(order).toEqual(['first', 'third']);
  });
});
