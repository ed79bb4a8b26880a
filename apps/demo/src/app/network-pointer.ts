import { createWeightEditor } from "../controls/weight-editor.js";
import { type ParameterTarget, parameterAt } from "../views/network-hit.js";
import { networkLayout, neuronAt } from "../views/network-view.js";
import type { Command, Snapshot } from "../worker/protocol.js";

/** What the pointer on the network picture needs from the page. */
export interface NetworkPointerOptions {
  readonly canvas: HTMLCanvasElement;
  /** The positioned element around the canvas, where the tooltip and the editor go. */
  readonly stage: HTMLElement;
  readonly snapshot: () => Snapshot | null;
  /** The neuron under the pointer changed (null: none), to show its output in the big picture. */
  readonly onNeuron: (hit: { column: number; neuron: number } | null) => void;
  readonly send: (command: Command) => void;
}

/**
 * The pointer on the network picture (as the TensorFlow Playground): on a neuron it shows that neuron's
 * output; on a link or a bias square, a tooltip with the value; a click there opens an editor whose value
 * goes to the worker as `setWeight` or `setBias`. Returns `refresh`, to call when a snapshot arrives so the
 * tooltip follows training, and `close`, to drop an open editor when the network is rebuilt.
 */
export function attachNetworkPointer(options: NetworkPointerOptions): { refresh(): void; close(): void } {
  const { canvas, stage } = options;
  let editing: ParameterTarget | null = null;
  const editor = createWeightEditor((value) => {
    if (!editing) return;
    options.send(
      editing.kind === "weight"
        ? { type: "setWeight", layer: editing.layer, from: editing.from, to: editing.to, value }
        : { type: "setBias", layer: editing.layer, unit: editing.unit, value },
    );
  });
  stage.append(...editor.nodes);

  let neuron: { column: number; neuron: number } | null = null;
  let hovered: { target: ParameterTarget; x: number; y: number } | null = null;

  const locate = (event: MouseEvent) => {
    const bounds = canvas.getBoundingClientRect();
    const x = event.clientX - bounds.left;
    const y = event.clientY - bounds.top;
    const snapshot = options.snapshot();
    if (!snapshot) return { x, y, neuron: null, target: null };
    const sizes = snapshot.columns.map((column) => column.grids.length);
    const layout = networkLayout(sizes);
    const onNeuron = neuronAt(layout, sizes, x, y);
    return { x, y, neuron: onNeuron, target: onNeuron ? null : parameterAt(layout, sizes, x, y) };
  };

  const showTooltip = () => {
    const snapshot = options.snapshot();
    if (!hovered || !snapshot) {
      editor.hideTooltip();
      return;
    }
    const { name, value } = describe(snapshot, hovered.target);
    editor.showTooltip(
      `${name}: ${formatWeight(value)}${editor.isOpen ? "" : " — click to edit"}`,
      canvas.offsetLeft + hovered.x,
      canvas.offsetTop + hovered.y,
    );
  };

  canvas.addEventListener("mousemove", (event) => {
    const hit = locate(event);
    if (hit.neuron?.column !== neuron?.column || hit.neuron?.neuron !== neuron?.neuron) {
      neuron = hit.neuron;
      options.onNeuron(neuron);
    }
    hovered = hit.target ? { target: hit.target, x: hit.x, y: hit.y } : null;
    canvas.style.cursor = hovered ? "pointer" : "";
    showTooltip();
  });
  canvas.addEventListener("mouseleave", () => {
    neuron = null;
    hovered = null;
    options.onNeuron(null);
    showTooltip();
  });
  canvas.addEventListener("click", (event) => {
    const hit = locate(event);
    const snapshot = options.snapshot();
    if (!hit.target || !snapshot) return;
    editing = hit.target;
    const { name, value } = describe(snapshot, hit.target);
    editor.open(name, Number(value.toPrecision(7)), canvas.offsetLeft + hit.x, canvas.offsetTop + hit.y);
    showTooltip();
  });
  return {
    refresh: showTooltip,
    close() {
      editor.close();
      editing = null;
    },
  };
}

/** The name of a parameter (e.g. "Weight x₁ → h1.2", "Bias of h2.1") and its value in the snapshot. */
function describe(snapshot: Snapshot, target: ParameterTarget): { name: string; value: number } {
  const to = snapshot.columns[target.layer + 1]!;
  if (target.kind === "bias") {
    return { name: `Bias of ${to.labels[target.unit]}`, value: to.bias![target.unit]! };
  }
  const from = snapshot.columns[target.layer]!;
  return {
    name: `Weight ${from.labels[target.from]} → ${to.labels[target.to]}`,
    value: to.weights![target.from * to.grids.length + target.to]!,
  };
}

/** Four significant digits, without trailing zeros (a float32 0.1 shows as 0.1). */
export function formatWeight(value: number): string {
  return String(Number(value.toPrecision(4)));
}
