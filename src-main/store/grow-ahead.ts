// An index table's arrays double before they are full, one array per turn of the event loop.
// Copying every column of a table in one go blocked the loop for 125 ms at 2^18 rows and
// 211 ms at 2^19 (bench/soak.ts): when each event opens an alert and owes a delivery, the
// event, alert, delivery and attempt tables all fill up in the same commit. One array per turn
// is a few milliseconds even at millions of rows; rows keep going into whichever array a column
// has at the moment (the old one still has room), so nothing waits for the growth to end.

/** Start growing once this fraction of the capacity is used (the rest is room for the turns it takes). */
const AHEAD_AT = 0.75;

export class GrowAhead {
  private steps: (() => void)[] = [];
  private timer: NodeJS.Immediate | null = null;

  /**
   * `steps(to)` grows each array of the table to `to` rows, one step per array; `done(to)` makes
   * the new capacity usable.
   */
  constructor(
    private readonly stepsTo: (to: number) => (() => void)[],
    private readonly done: (to: number) => void,
  ) {}

  /**
   * Called before a row is added, with `count` rows used of `capacity`. Grows at once (the rest
   * of the steps) when the table is full before the steps have run.
   */
  room(count: number, capacity: number): void {
    if (count < capacity * AHEAD_AT) return;
    if (this.steps.length === 0) {
      const to = capacity * 2;
      this.steps = [...this.stepsTo(to), () => this.done(to)];
      if (count < capacity) return this.next();
    }
    if (count >= capacity) this.finish();
  }

  /** Runs whatever steps are left now. */
  finish(): void {
    if (this.timer) clearImmediate(this.timer);
    this.timer = null;
    while (this.steps.length) this.steps.shift()!();
  }

  private next(): void {
    this.timer = setImmediate(() => {
      this.timer = null;
      this.steps.shift()?.();
      if (this.steps.length) this.next();
    });
    // A store closed (or a test ended) mid-growth does not keep the process alive for it.
    this.timer.unref();
  }
}
