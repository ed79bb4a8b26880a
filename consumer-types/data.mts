// Consumer type test of @descent/data and @descent/data/node (built declarations, strict, nodenext, skipLibCheck false).
import { batches, circle, splitDataset } from "@descent/data";
import { loadCsv } from "@descent/data/node";
import type { Dataset, Tensor } from "@descent/spec";

const data: Dataset = circle({ count: 100, seed: 1 });
expectAssignable<Tensor>(data.inputs);
const { train } = splitDataset(data, { testFraction: 0.2, seed: 1 });
for (const batch of batches(train, { batchSize: 16 })) expectAssignable<Tensor>(batch.inputs);
expectAssignable<(...args: never[]) => unknown>(loadCsv);
// @ts-expect-error -- count is a number
circle({ count: "100" });
