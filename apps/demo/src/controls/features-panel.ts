import type { AppState } from "../state/app-state.js";
import { FEATURE_NAMES, FEATURES, type FeatureName } from "../state/choices.js";
import { checkboxControl, element } from "./elements.js";

type Update = (patch: Partial<AppState>) => void;

/** One checkbox per input feature; the last one checked cannot be unchecked (a network needs an input). */
export function createFeaturesPanel(state: AppState, update: Update) {
  let current = state;
  const boxes = FEATURE_NAMES.map((name) => {
    const control = checkboxControl({
      label: FEATURES[name].label,
      testId: `feature-${name}`,
      value: state.features.includes(name),
      onChange: (checked) => {
        const features: FeatureName[] = FEATURE_NAMES.filter((feature) =>
          feature === name ? checked : current.features.includes(feature),
        );
        if (features.length === 0) {
          control.set(true);
          return;
        }
        update({ features });
      },
    });
    return { name, control };
  });
  const root = element("fieldset", { class: "features" }, [
    element("legend", {}, ["Features"]),
    ...boxes.map(({ control }) => control.root),
  ]);
  return {
    root,
    sync(next: AppState) {
      current = next;
      for (const { name, control } of boxes) {
        control.set(next.features.includes(name));
        control.input.disabled = next.features.length === 1 && next.features.includes(name);
      }
    },
  };
}
