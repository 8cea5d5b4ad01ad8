/**
 * The wire format between the kernel and this view. Its types are defined once, in Python
 * (src/nb_feedback/widget/protocol.py), and generated into ./wire.gen.ts; this module re-exports
 * them with the few helpers the view adds.
 */
import type { KernelMessage, ResponseStatusName } from "./wire.gen";

export * from "./wire.gen";

/** A record's status as this annotator sees it: no response yet is "pending". */
export type RecordStatus = ResponseStatusName | "pending";

export function isKernelMessage(msg: unknown): msg is KernelMessage {
  if (typeof msg !== "object" || msg === null) return false;
  const type = (msg as { type?: unknown }).type;
  return type === "ack" || type === "error";
}
