// Consumer type test of @descent/onnx (built declarations, strict, nodenext, skipLibCheck false).
import { dense, sequential } from "@descent/nn";
import {
  type ExportOnnxOptions,
  exportableActivations,
  exportableLayers,
  exportOnnx,
  onnxDescriptor,
  UnsupportedLayerError,
} from "@descent/onnx";
import type { DescentError } from "@descent/tensor";

const model = sequential([dense(2, 3), "relu"]);
const options: ExportOnnxOptions = { opset: 20, inputShape: [2], batchSize: 4 };
const bytes = exportOnnx(model, model.init(0), options);
expectTrue<Equal<typeof bytes, Uint8Array>>();
expectAssignable<DescentError>(new UnsupportedLayerError("exportOnnx", "custom_1", "no lowering"));
expectTrue<Equal<UnsupportedLayerError["layer"], string>>();
expectAssignable<Readonly<Record<string, string>>>(exportableActivations);
expectAssignable<readonly string[]>(exportableLayers);
expectAssignable<object>(onnxDescriptor.nested.onnx.nested);
// @ts-expect-error -- the input shape is a list of sizes
exportOnnx(model, model.init(0), { inputShape: 2 });
// @ts-expect-error -- params are required
exportOnnx(model);

export { bytes };
