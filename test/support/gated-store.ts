import { MemoryDocStore } from '../../sync-server/core/memory-doc-store';

/** A memory store whose appends wait while a gate is closed: updates stay "being written". */
export class GatedStore extends MemoryDocStore {
  private gate: { promise: Promise<void>; open: () => void } | null = null;
  /** Appends that found the gate closed and wait for it. */
  waiting = 0;

  closeGate(): void {
    let open = () => {};
    const promise = new Promise<void>((resolve) => {
      open = resolve;
    });
    this.gate = { promise, open };
  }

  openGate(): void {
    this.gate?.open();
    this.gate = null;
  }

  override async append(room: string, update: Uint8Array): Promise<void> {
    if (this.gate !== null) {
      this.waiting++;
      await this.gate.promise;
      this.waiting--;
    }
    return super.append(room, update);
  }
}
