/**
 * Counts open connections per client address. A slot is taken at the upgrade, before the socket is
 * handed over, and given back exactly once when the socket closes (whatever closes it). Slots are
 * keyed by their holder (the socket), so holding one costs a map entry, not a closure per socket.
 */
export class AddressLimiter {
  private readonly open = new Map<string, number>();
  private readonly held = new WeakMap<object, string>();

  constructor(private readonly maxPerAddress: number) {}

  /** Takes a slot for `address` held by `holder`; false when the address is at its limit. */
  acquire(holder: object, address: string): boolean {
    const count = this.open.get(address) ?? 0;
    if (this.maxPerAddress > 0 && count >= this.maxPerAddress) return false;
    this.open.set(address, count + 1);
    this.held.set(holder, address);
    return true;
  }

  /** Gives back `holder`'s slot; later calls for the same holder do nothing. */
  release(holder: object): void {
    const address = this.held.get(holder);
    if (address === undefined) return;
    this.held.delete(holder);
    const left = (this.open.get(address) ?? 1) - 1;
    if (left <= 0) this.open.delete(address);
    else this.open.set(address, left);
  }

  count(address: string): number {
    return this.open.get(address) ?? 0;
  }
}
