import { loadModel, saveModel } from "./files.js";
import { crashSnapshot } from "./test-crash-fixture.js";

// The child of crash-safety.test.ts (bundled from sources by the test): saves versions start, start + 1, …
// into the folder forever, alternating models and training checkpoints, and reports each finished save on
// stdout with how long it took (wall-clock ms, so the parent can aim its kill inside the next save however
// busy the machine is), until the parent kills it with SIGKILL.

const [directory, fixtureDirectory, start] = process.argv.slice(2) as [string, string, string];
const training = loadModel(fixtureDirectory).training!;
process.stdout.write("ready\n");
for (let version = Number(start); ; version++) {
  const started = performance.now();
  saveModel(directory, crashSnapshot(version, training));
  process.stdout.write(`saved ${version} ${(performance.now() - started).toFixed(3)}\n`);
}
