import type { Command, WorkerMessage } from "./protocol.js";
import { TrainingSession } from "./training-session.js";

/** The parts of a dedicated worker's global scope this entry uses (the DOM lib has no worker types). */
interface WorkerScope {
  postMessage(message: WorkerMessage, transfer: Transferable[]): void;
  addEventListener(type: "message", listener: (event: MessageEvent<Command>) => void): void;
  addEventListener(type: "error", listener: (event: ErrorEvent) => void): void;
  addEventListener(type: "unhandledrejection", listener: (event: PromiseRejectionEvent) => void): void;
}

// The worker entry: everything else lives in TrainingSession, which tests run in Node.
const scope = self as unknown as WorkerScope;
const post = (message: WorkerMessage, transfer: Transferable[] = []) => scope.postMessage(message, transfer);
const session = new TrainingSession(post);

scope.addEventListener("message", (event) => session.handle(event.data));
scope.addEventListener("error", (event) => post({ type: "error", message: `Error: ${event.message}` }));
scope.addEventListener("unhandledrejection", (event) =>
  post({ type: "error", message: `Unhandled rejection: ${String(event.reason)}` }),
);
