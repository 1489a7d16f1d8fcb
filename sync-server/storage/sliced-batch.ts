import type { ClassicLevel } from 'classic-level';

export type BatchOp = { type: 'del'; key: string } | { type: 'put'; key: string; value: Uint8Array };

/** Operations handed to LevelDB per turn of the event loop when a batch is built (S3.1). */
const BATCH_SLICE_OPS = 200;

/**
 * Writes `ops` as one atomic batch, handing them to LevelDB a slice at a time with a turn of the
 * event loop between slices: a compaction's batch (a delete and a history put per entry it covers,
 * ~1,000 operations at the default threshold) costs several milliseconds of JavaScript to build,
 * which in one piece would hold up every update arriving meanwhile. The batch is written whole or
 * not at all when the last slice is in.
 */
export async function writeInSlices(
  db: ClassicLevel<string, Uint8Array>,
  sync: boolean,
  ops: ReadonlyArray<BatchOp>,
): Promise<void> {
  if (ops.length <= BATCH_SLICE_OPS) {
    await db.batch(ops as BatchOp[], { sync });
    return;
  }
  const batch = db.batch();
  let writing = false;
  try {
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      if (op.type === 'del') batch.del(op.key);
      else batch.put(op.key, op.value);
      if ((i + 1) % BATCH_SLICE_OPS === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    writing = true;
    await batch.write({ sync });
  } finally {
    // A batch not written (the store is closing, a put refused) is dropped; write() closes its own.
    if (!writing) await batch.close();
  }
}
