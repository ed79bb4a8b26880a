import type { Tensor as TensorLike } from "@descent/spec";
import { formatShape, ShapeError, ValueError } from "@descent/tensor";
import { checkTensor, describe } from "../layers/validate.js";

/**
 * Formats a confusion matrix as an aligned text table: rows are true classes, columns predictions.
 *
 * @example
 * console.log(formatConfusionMatrix(confusionMatrix(predictions, targets)));
 * //  true\pred   0   1
 * //          0  50   2
 * //          1   3  45
 */
export function formatConfusionMatrix(matrix: TensorLike, classNames?: readonly string[]): string {
  checkTensor("formatConfusionMatrix", "matrix", matrix);
  if (
    classNames !== undefined &&
    (!Array.isArray(classNames) || classNames.some((name) => typeof name !== "string"))
  )
    throw new ValueError(
      "formatConfusionMatrix",
      `classNames is ${describe(classNames)}: pass an array of strings`,
    );
  const [rows, columns] = matrix.shape;
  if (matrix.shape.length !== 2 || rows !== columns) {
    throw new ShapeError(
      "formatConfusionMatrix",
      `matrix of shape ${formatShape(matrix.shape)}: expected [C, C]`,
    );
  }
  const size = rows!;
  const labels = Array.from({ length: size }, (_, c) => classNames?.[c] ?? String(c));
  const corner = "true\\pred";
  const cells = Array.from({ length: size }, (_, r) =>
    Array.from({ length: size }, (_, c) => String(matrix.data[r * size + c])),
  );
  const width = Math.max(...labels.map((label) => label.length), ...cells.flat().map((cell) => cell.length));
  const labelWidth = Math.max(corner.length, ...labels.map((label) => label.length));
  const lines = [[corner.padStart(labelWidth), ...labels.map((label) => label.padStart(width))].join(" ")];
  for (let r = 0; r < size; r++) {
    lines.push([labels[r]!.padStart(labelWidth), ...cells[r]!.map((cell) => cell.padStart(width))].join(" "));
  }
  return lines.join("\n");
}
