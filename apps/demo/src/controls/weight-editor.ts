import { button, element } from "./elements.js";

/** A number typed by the user, or why it cannot be a weight. */
export type ParsedWeight = { readonly value: number } | { readonly error: string };

/**
 * Reads a weight or bias typed by hand: a finite number that float32 can hold (|x| < 3.4·10³⁸); a leading
 * "−" (the minus sign) counts as "-". Anything else gets a message saying what to type.
 *
 * @example
 * parseWeight("−0.5") // { value: -0.5 }
 * parseWeight("abc")  // { error: '"abc" is not a number: type a finite number such as -0.5' }
 */
export function parseWeight(text: string): ParsedWeight {
  const trimmed = text.trim().replace(/^\u2212/, "-");
  const value = trimmed === "" ? Number.NaN : Number(trimmed);
  if (Number.isNaN(value)) return { error: `"${text}" is not a number: type a finite number such as -0.5` };
  if (!Number.isFinite(Math.fround(value))) {
    return { error: `${text.trim()} is too large: weights are float32, so use a finite number below 3.4e38` };
  }
  return { value };
}

/**
 * The network picture's tooltip (a link's weight or a neuron's bias under the pointer) and the small form
 * that edits it. Positions are CSS pixels inside the element both are appended to.
 */
export function createWeightEditor(onApply: (value: number) => void) {
  const tooltip = element("div", {
    class: "weight-tooltip",
    role: "tooltip",
    "data-testid": "link-tooltip",
    hidden: "",
  });
  const title = element("label", { for: "weight-input", "data-testid": "weight-editor-title" });
  const input = element("input", {
    id: "weight-input",
    type: "text",
    inputmode: "decimal",
    autocomplete: "off",
    spellcheck: "false",
    "data-testid": "weight-input",
  });
  const message = element("p", {
    class: "weight-error",
    role: "alert",
    "data-testid": "weight-error",
    hidden: "",
  });
  const cancel = button({
    text: "Cancel",
    testId: "weight-cancel",
    className: "small-button",
    onClick: () => close(),
  });
  const apply = element(
    "button",
    { type: "submit", class: "small-button primary", "data-testid": "weight-apply" },
    ["Set"],
  );
  const form = element("form", { class: "weight-editor", "data-testid": "weight-editor", hidden: "" }, [
    title,
    element("div", { class: "inline" }, [input, apply, cancel]),
    message,
  ]);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const parsed = parseWeight(input.value);
    if ("error" in parsed) {
      message.textContent = parsed.error;
      message.hidden = false;
      input.classList.add("invalid");
      input.setAttribute("aria-invalid", "true");
      return;
    }
    close();
    onApply(parsed.value);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
  });
  const place = (node: HTMLElement, x: number, y: number) => {
    node.style.left = `${Math.round(x)}px`;
    node.style.top = `${Math.round(y)}px`;
  };
  function close() {
    form.hidden = true;
    message.hidden = true;
    input.classList.remove("invalid");
    input.removeAttribute("aria-invalid");
  }
  return {
    nodes: [tooltip, form] as const,
    /** Shows `text` near (x, y). */
    showTooltip(text: string, x: number, y: number) {
      tooltip.textContent = text;
      tooltip.hidden = false;
      place(tooltip, x + 12, y + 12);
    },
    hideTooltip() {
      tooltip.hidden = true;
    },
    /** Opens the form at (x, y) for the parameter called `name`, holding `value`. */
    open(name: string, value: number, x: number, y: number) {
      close();
      title.textContent = name;
      input.value = String(value);
      form.hidden = false;
      place(form, x + 8, y + 8);
      input.focus();
      input.select();
    },
    close,
    get isOpen() {
      return !form.hidden;
    },
  };
}
