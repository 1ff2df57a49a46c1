/**
 * Set-up requests to JetStream (stream and consumer info, creation, the handled-events bucket)
 * that fail for a moment while a cluster elects a leader or a server restarts are retried, so a
 * consumer or publisher starting during a fail-over starts anyway. Other errors are not retried.
 */
import { NoRespondersError, RequestError, TimeoutError } from '@nats-io/nats-core';

/** Whether an error is one a moment later may not repeat: a timeout, no responders, a leaderless stream. */
export function isTransient(error: unknown): boolean {
  if (error instanceof TimeoutError || error instanceof NoRespondersError) return true;
  if (error instanceof RequestError && (error.cause instanceof TimeoutError || error.cause instanceof NoRespondersError)) return true;
  return error instanceof Error && /temporarily unavailable|no suitable peers|leader|timeout/i.test(error.message);
}

/** Runs `request`, again after a growing pause while it fails transiently, for up to about `budgetMs`. */
export async function retryTransient<T>(request: () => Promise<T>, budgetMs = 30_000): Promise<T> {
  const started = Date.now();
  for (let pause = 100; ; pause = Math.min(pause * 2, 2000)) {
    try {
      return await request();
    } catch (error) {
      if (!isTransient(error) || Date.now() - started + pause > budgetMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
