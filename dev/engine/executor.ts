/**
 * The step executor's rules (pulumi/pulumi `pkg/resource/deploy/step_executor.go`): at most `parallel` steps at
 * once; after the first failure no new step starts (steps already running finish), unless continueOnError.
 */

/** Thrown for a step that was never started because an earlier one failed (the deployment was cancelled). */
export class CancelledError extends Error {
  constructor(message = "the deployment was cancelled after an earlier failure") {
    super(message);
    this.name = "CancelledError";
  }
}

export class StepExecutor {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly inflight = new Set<Promise<unknown>>();
  private failure: unknown;
  private cancelledFlag = false;
  private readonly cancelListeners = new Set<() => void>();

  constructor(readonly parallel: number) {
    if (!Number.isInteger(parallel) || parallel < 1)
      throw new Error(`parallel must be >= 1, got ${parallel}`);
  }

  /** True once a step (or the step generator) failed. */
  get cancelled(): boolean {
    return this.cancelledFlag;
  }

  /** The first failure. */
  get firstFailure(): unknown {
    return this.failure;
  }

  /** Marks the deployment failed: queued steps will not start. */
  cancel(reason: unknown): void {
    if (this.cancelledFlag) return;
    this.cancelledFlag = true;
    this.failure = reason;
    for (const l of [...this.cancelListeners]) l();
    // Wake the queue so that waiting steps see the cancellation and give up.
    for (const w of this.waiting.splice(0)) w();
  }

  /** Resolves when {@link cancel} is called (never rejects). */
  whenCancelled(): Promise<void> {
    if (this.cancelledFlag) return Promise.resolve();
    return new Promise((resolve) => {
      const l = () => {
        this.cancelListeners.delete(l);
        resolve();
      };
      this.cancelListeners.add(l);
    });
  }

  /** Runs `step` when a slot is free, unless the deployment was cancelled first. A rejection cancels. */
  run<T>(step: () => Promise<T>): Promise<T> {
    const p = this.acquire().then(async () => {
      try {
        return await step();
      } catch (e) {
        this.cancel(e);
        throw e;
      } finally {
        this.release();
      }
    });
    this.track(p);
    return p;
  }

  /** Tracks work that is not a step but must finish before the deployment does (e.g. output registrations). */
  track(p: Promise<unknown>): void {
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    this.inflight.add(settled);
    void settled.then(() => this.inflight.delete(settled));
  }

  /** Resolves once nothing is running or queued. */
  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  private async acquire(): Promise<void> {
    for (;;) {
      if (this.cancelledFlag) throw new CancelledError();
      if (this.running < this.parallel) {
        this.running++;
        return;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private release(): void {
    this.running--;
    this.waiting.shift()?.();
  }
}
