import { element } from "../controls/elements.js";
import { TEST_LINE, TRAIN_LINE } from "../views/loss-chart.js";

/** The page's fixed skeleton; panels fill the slots. */
export function createLayout(root: HTMLElement) {
  const notices = element("div", { class: "notice", role: "status", "data-testid": "notice", hidden: "" });
  const error = element("div", { class: "error", role: "alert", "data-testid": "error", hidden: "" });
  const toolbar = element("div", { class: "toolbar" });
  const settings = element("div", { class: "settings-row" });
  const data = element("section", { class: "panel data", "aria-labelledby": "data-title" }, [
    element("h2", { id: "data-title" }, ["Data"]),
  ]);
  const networkCanvas = element("canvas", {
    class: "network-canvas",
    "data-testid": "network",
    role: "img",
    "aria-label":
      "The network: each neuron's output over the plane, links colored by the sign of their weight",
  });
  const networkStage = element("div", { class: "network-stage" });
  const deadUnits = element("div", {
    class: "warning",
    role: "status",
    "data-testid": "dead-units",
    hidden: "",
  });
  const network = element("section", { class: "panel network", "aria-labelledby": "network-title" }, [
    element("h2", { id: "network-title" }, ["Network"]),
  ]);
  const boundary = element("canvas", {
    "data-testid": "boundary",
    class: "boundary",
    role: "img",
    "aria-label": "Decision boundary or regression surface with the training and test points",
  });
  const lossChart = element("canvas", {
    "data-testid": "loss-chart",
    role: "img",
    "aria-label": "Training and test loss over epochs",
  });
  const trainLoss = element("output", { "data-testid": "train-loss" }, ["–"]);
  const lossName = element("output", { "data-testid": "loss-name", class: "small" });
  const testLoss = element("output", { "data-testid": "test-loss" }, ["–"]);
  const outputOptions = element("div", { class: "output-options" });
  const output = element("section", { class: "panel output", "aria-labelledby": "output-title" }, [
    element("h2", { id: "output-title" }, ["Output"]),
    element("div", { class: "losses" }, [
      lossName,
      element("div", {}, [
        element("span", { class: "swatch", style: `background:${TEST_LINE}` }),
        "Test loss ",
        testLoss,
      ]),
      element("div", {}, [
        element("span", { class: "swatch", style: `background:${TRAIN_LINE}` }),
        "Training loss ",
        trainLoss,
      ]),
    ]),
    lossChart,
    boundary,
    element("div", { class: "legend" }, [
      element("span", { class: "legend-bar" }),
      element("span", { class: "legend-labels" }, [
        element("span", {}, ["−1"]),
        element("span", {}, ["0"]),
        element("span", {}, ["1"]),
      ]),
    ]),
    outputOptions,
  ]);
  const slowPanel = element(
    "section",
    { class: "panel slow", "data-testid": "slow-step-panel", "aria-labelledby": "slow-title" },
    [
      element("h2", { id: "slow-title" }, [
        "One step, slowly ",
        element("span", { class: "phases" }, [
          element("span", { "data-phase": "forward" }, ["forward"]),
          " → ",
          element("span", { "data-phase": "backward" }, ["backward"]),
          " → ",
          element("span", { "data-phase": "update" }, ["update"]),
        ]),
        " ",
        element("output", { "data-testid": "slow-phase", class: "small" }, ["idle"]),
      ]),
      element("div", { class: "slow-body" }),
    ],
  );
  const header = element("header", {}, [
    element("h1", {}, ["descent ", element("span", {}, ["playground"])]),
    element("p", {}, [
      "Backpropagation computes the gradients, gradient descent uses them. Train a small neural network in your browser, with the descent packages, in a Web Worker.",
    ]),
  ]);
  root.replaceChildren(
    header,
    notices,
    error,
    element("div", { class: "controls" }, [toolbar, settings]),
    element("main", {}, [data, network, output]),
    slowPanel,
    element("footer", {}, [
      "The whole set-up is in the address bar: copy it to share. Orange is negative (class 0), blue positive (class 1).",
    ]),
  );
  return {
    notices,
    error,
    toolbar,
    settings,
    data,
    network,
    networkStage,
    networkCanvas,
    deadUnits,
    boundary,
    lossChart,
    trainLoss,
    testLoss,
    lossName,
    outputOptions,
    slowPanel,
  };
}

export type Layout = ReturnType<typeof createLayout>;
