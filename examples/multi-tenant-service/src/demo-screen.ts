import type { ServiceObserver } from './service-tokens.js';

/** Terminal output for the demo: colours only on a TTY, one line per event as it happens. */
const tty = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
const paint = (code: number) => (text: string) => (tty ? `\u001b[${code}m${text}\u001b[0m` : text);
export const bold = paint(1);
export const dim = paint(2);
export const green = paint(32);
export const red = paint(31);
export const yellow = paint(33);
export const cyan = paint(36);

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)}s`;

export function line(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/**
 * A release or rollback observer that prints each step when it ends, and the publish gate's
 * progress (security check pending … passed) while activation waits, each with the elapsed time.
 */
export function progressPrinter(indent = '   '): ServiceObserver {
  let start = 0;
  let lastGate: string | undefined;
  const at = (ms: number) => dim(`+${seconds(ms - start)}`.padStart(7));
  return (event) => {
    switch (event.type) {
      case 'release-start':
      case 'rollback-start':
        start = event.at;
        lastGate = undefined;
        return;
      case 'step-end': {
        const { step } = event;
        const mark = step.status === 'ok' ? green('✓') : step.status === 'skipped' ? dim('–') : red('✗');
        line(
          `${indent}${at(step.startedAt + step.durationMs)} ${step.name.padEnd(14)} ${mark} ${step.detail ?? ''}`,
        );
        return;
      }
      case 'gate-progress': {
        const { progress } = event;
        const state =
          progress.status === 'pending' ? `pending (${progress.raw ?? 'not ready'})` : progress.status;
        if (state === lastGate) return;
        lastGate = state;
        const paintState = progress.status === 'passed' ? green : progress.status === 'failed' ? red : yellow;
        line(
          `${indent}${at(Date.now())} ${'gate'.padEnd(14)} ${paintState('●')} security check ${state}${progress.status === 'pending' ? ' …' : ''} ${dim(`(poll ${progress.attempt})`)}`,
        );
        return;
      }
      default:
        return;
    }
  };
}
