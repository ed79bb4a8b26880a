import type { AppState } from "../state/app-state.js";
import { MAX_HIDDEN_LAYERS, MAX_NEURONS } from "../state/choices.js";
import type { NetworkLayout } from "../views/network-view.js";
import { button, element } from "./elements.js";

type Update = (patch: Partial<AppState>) => void;

/** Add or remove hidden layers, and neurons in each, above the network picture. */
export function createNetworkControls(state: AppState, update: Update) {
  let current = state;
  const count = element("span", { class: "layer-count", "data-testid": "hidden-layer-count" });
  const addLayer = button({
    text: "+",
    label: "Add a hidden layer",
    testId: "add-layer",
    className: "round",
    onClick: () => {
      if (current.hiddenLayers.length < MAX_HIDDEN_LAYERS)
        update({ hiddenLayers: [...current.hiddenLayers, 2] });
    },
  });
  const removeLayer = button({
    text: "−",
    label: "Remove the last hidden layer",
    testId: "remove-layer",
    className: "round",
    onClick: () => update({ hiddenLayers: current.hiddenLayers.slice(0, -1) }),
  });
  const layerRow = element("div", { class: "layer-controls" }, [addLayer, removeLayer, count]);
  const headers = element("div", { class: "column-headers" });

  const resize = (layer: number, delta: number) => {
    const sizes = [...current.hiddenLayers];
    sizes[layer] = Math.min(MAX_NEURONS, Math.max(1, sizes[layer]! + delta));
    update({ hiddenLayers: sizes });
  };

  return {
    layerRow,
    headers,
    /** Puts one +/− pair above each hidden column, where the picture's layout places it. */
    sync(next: AppState, layout: NetworkLayout | null) {
      current = next;
      const layers = next.hiddenLayers.length;
      count.textContent = `${layers} hidden layer${layers === 1 ? "" : "s"}`;
      addLayer.disabled = layers >= MAX_HIDDEN_LAYERS;
      removeLayer.disabled = layers === 0;
      const cells = next.hiddenLayers.map((size, layer) => {
        const cell = element("div", { class: "column-header" }, [
          button({
            text: "+",
            label: `Add a neuron to hidden layer ${layer + 1}`,
            testId: `add-neuron-${layer + 1}`,
            className: "round small",
            onClick: () => resize(layer, 1),
          }),
          button({
            text: "−",
            label: `Remove a neuron from hidden layer ${layer + 1}`,
            testId: `remove-neuron-${layer + 1}`,
            className: "round small",
            onClick: () => resize(layer, -1),
          }),
          element("span", { class: "neuron-count" }, [`${size} neuron${size === 1 ? "" : "s"}`]),
        ]);
        const x = layout?.columnX[layer + 1];
        if (x !== undefined) cell.style.left = `${x + layout!.thumb / 2}px`;
        return cell;
      });
      headers.replaceChildren(...cells);
    },
  };
}
