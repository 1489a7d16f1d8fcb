/**
 * Counts open connections per client address. A slot is taken at the upgrade, before the socket is
 * handed over, and given back exactly once when the socket closes (whatever closes it).
 */
export class AddressLimiter {
  private readonly open = new Map<string, number>();

  constructor(private readonly maxPerAddress: number) {}

  /** Takes a slot for `address`; returns its release function, or null when the address is at its limit. */
  acquire(address: string): (() => void) | null {
    const count = this.open.get(address) ?? 0;
    if (this.maxPerAddress > 0 && count >= this.maxPerAddress) return null;
    this.open.set(address, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(address) ?? 1) - 1;
      if (left <= 0) this.open.delete(address);
      else this.open.set(address, left);
    };
  }

  count(address: string): number {
    return this.open.get(address) ?? 0;
  }
}
