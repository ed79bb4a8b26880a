import { element } from "../controls/elements.js";
import type { SlowStepView, Snapshot } from "../worker/protocol.js";
import { formatNorm } from "./network-view.js";

const PHASES = ["forward", "backward", "update"] as const;

/** The "one step, slowly" panel: which phase the step is in and its numbers, layer by layer. */
export function renderSlowStep(panel: HTMLElement, snapshot: Snapshot | null): void {
  const slow = snapshot?.slow ?? null;
  const phase = panel.querySelector<HTMLElement>("[data-testid=slow-phase]")!;
  const body = panel.querySelector<HTMLElement>(".slow-body")!;
  phase.textContent = slow ? slow.phase : "idle";
  panel.classList.toggle("active", slow !== null);
  for (const name of PHASES) {
    const reached = slow !== null && PHASES.indexOf(name) <= PHASES.indexOf(slow.phase);
    panel.querySelector(`[data-phase=${name}]`)?.classList.toggle("reached", reached);
  }
  if (!slow || !snapshot) {
    body.replaceChildren(
      element("p", { class: "hint" }, [
        "Press “slow step” to watch one step: the batch goes forward through the network (each neuron shows its mean output over the batch), the gradient flows backward one layer at a time, then the optimizer updates the weights.",
      ]),
    );
    return;
  }
  body.replaceChildren(...describe(slow, snapshot));
}

function describe(slow: SlowStepView, snapshot: Snapshot): HTMLElement[] {
  const items: HTMLElement[] = [
    element("p", {}, [
      `1. Forward: a batch of ${slow.batchSize} point${slow.batchSize === 1 ? "" : "s"}; loss on the batch ${slow.batchLoss.toFixed(4)}.`,
    ]),
  ];
  if (slow.phase === "forward") return items;
  const layers = slow.gradientNorms.length;
  const rows = slow.gradientNorms
    .map((norms, index) => ({ norms, index }))
    .reverse()
    .slice(0, slow.revealedLayers)
    .map(({ norms, index }) =>
      element("tr", {}, [
        element("td", {}, [index === layers - 1 ? `${norms.layer} (output)` : norms.layer]),
        element("td", {}, [formatNorm(norms.weights)]),
        element("td", {}, [formatNorm(norms.bias)]),
        element("td", {}, [
          slow.updateNorms
            ? formatNorm(Math.hypot(slow.updateNorms[index]!.weights, slow.updateNorms[index]!.bias))
            : "",
        ]),
      ]),
    );
  items.push(
    element("p", {}, [
      `2. Backward: the gradient reaches ${slow.revealedLayers} of ${layers} layers, output first.`,
    ]),
    element("table", { class: "norms", "data-testid": "gradient-norms" }, [
      element("thead", {}, [
        element("tr", {}, [
          element("th", {}, ["layer"]),
          element("th", {}, ["‖∂L/∂W‖"]),
          element("th", {}, ["‖∂L/∂b‖"]),
          element("th", {}, ["‖Δθ‖"]),
        ]),
      ]),
      element("tbody", {}, rows),
    ]),
  );
  if (slow.phase === "update" && slow.lossAfter !== null) {
    items.push(
      element("p", {}, [
        `3. Update (${snapshot.optimizer}, learning rate ${snapshot.learningRate.toPrecision(3)}): loss on the same batch ${slow.batchLoss.toFixed(4)} → ${slow.lossAfter.toFixed(4)}.`,
      ]),
    );
  }
  return items;
}
