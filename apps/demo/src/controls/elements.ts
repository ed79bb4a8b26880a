/** One choice of a select: the value it stands for and the text shown. */
export interface Choice<T> {
  readonly value: T;
  readonly text: string;
  /** Choices with the same group are listed under one heading. */
  readonly group?: string;
}

/** A labelled control and how to set its value from the state. */
export interface Control<T> {
  readonly root: HTMLElement;
  set(value: T): void;
}

let nextId = 0;
function uniqueId(base: string): string {
  nextId++;
  return `${base}-${nextId}`;
}

/** An element with classes, attributes and children. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "class") node.className = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

function field(label: string, control: HTMLElement, id: string, className = "field"): HTMLElement {
  return element("div", { class: className }, [element("label", { for: id }, [label]), control]);
}

/** A labelled `<select>`; `setChoices` replaces its options (e.g. rates that depend on the regularizer). */
export function selectControl<T extends string | number>(options: {
  readonly label: string;
  readonly testId: string;
  readonly choices: readonly Choice<T>[];
  readonly value: T;
  readonly onChange: (value: T) => void;
}): Control<T> & {
  setChoices(choices: readonly Choice<T>[], value: T): void;
  readonly select: HTMLSelectElement;
} {
  const id = uniqueId(options.testId);
  const select = element("select", { id, "data-testid": options.testId });
  let choices = options.choices;
  const fill = () => {
    const nodes: HTMLElement[] = [];
    let group: HTMLOptGroupElement | null = null;
    choices.forEach((choice, i) => {
      const option = element("option", { value: String(i) }, [choice.text]);
      if (choice.group === undefined) {
        nodes.push(option);
        group = null;
        return;
      }
      if (group === null || group.label !== choice.group) {
        group = element("optgroup", { label: choice.group });
        nodes.push(group);
      }
      group.append(option);
    });
    select.replaceChildren(...nodes);
  };
  const set = (value: T) => {
    const index = choices.findIndex((choice) => choice.value === value);
    if (index >= 0) select.value = String(index);
  };
  fill();
  set(options.value);
  select.addEventListener("change", () => {
    const choice = choices[Number(select.value)];
    if (choice) options.onChange(choice.value);
  });
  return {
    root: field(options.label, select, id),
    select,
    set,
    setChoices(next, value) {
      choices = next;
      fill();
      set(value);
    },
  };
}

/** A labelled slider with its value shown beside it. */
export function rangeControl(options: {
  readonly label: string;
  readonly testId: string;
  readonly min: number;
  readonly max: number;
  readonly step?: number;
  readonly value: number;
  readonly format: (value: number) => string;
  readonly onChange: (value: number) => void;
}): Control<number> {
  const id = uniqueId(options.testId);
  const input = element("input", {
    id,
    type: "range",
    min: String(options.min),
    max: String(options.max),
    step: String(options.step ?? 1),
    "data-testid": options.testId,
  });
  const output = element("output", { for: id, class: "value" });
  const set = (value: number) => {
    input.value = String(value);
    output.textContent = options.format(value);
  };
  set(options.value);
  input.addEventListener("input", () => (output.textContent = options.format(Number(input.value))));
  input.addEventListener("change", () => options.onChange(Number(input.value)));
  const root = field(options.label, input, id);
  root.querySelector("label")!.append(" ", output);
  return { root, set };
}

/** A labelled integer input; invalid or out-of-range text is shown as invalid and not applied. */
export function integerControl(options: {
  readonly label: string;
  readonly testId: string;
  readonly min: number;
  readonly max: number;
  readonly value: number;
  readonly onChange: (value: number) => void;
}): Control<number> & { setMax(max: number): void; readonly input: HTMLInputElement } {
  const id = uniqueId(options.testId);
  const input = element("input", {
    id,
    type: "number",
    min: String(options.min),
    max: String(options.max),
    step: "1",
    inputmode: "numeric",
    "data-testid": options.testId,
  });
  input.value = String(options.value);
  input.addEventListener("input", () => {
    const value = Number(input.value);
    const valid =
      input.value !== "" &&
      Number.isInteger(value) &&
      value >= Number(input.min) &&
      value <= Number(input.max);
    input.classList.toggle("invalid", !valid);
    if (valid) options.onChange(value);
  });
  return {
    root: field(options.label, input, id),
    input,
    set(value) {
      if (document.activeElement !== input || Number(input.value) !== value) input.value = String(value);
      input.classList.remove("invalid");
    },
    setMax(max) {
      input.max = String(max);
    },
  };
}

/** A labelled checkbox. */
export function checkboxControl(options: {
  readonly label: string;
  readonly testId: string;
  readonly value: boolean;
  readonly onChange: (value: boolean) => void;
}): Control<boolean> & { readonly input: HTMLInputElement } {
  const id = uniqueId(options.testId);
  const input = element("input", { id, type: "checkbox", "data-testid": options.testId });
  input.checked = options.value;
  input.addEventListener("change", () => options.onChange(input.checked));
  const root = element("div", { class: "checkbox" }, [input, element("label", { for: id }, [options.label])]);
  return { root, input, set: (value) => (input.checked = value) };
}

/** A button with visible text, an accessible name and a test id. */
export function button(options: {
  readonly text: string;
  readonly label?: string;
  readonly testId: string;
  readonly className?: string;
  readonly onClick: () => void;
}): HTMLButtonElement {
  const node = element(
    "button",
    { type: "button", "data-testid": options.testId, class: options.className ?? "" },
    [options.text],
  );
  if (options.label) {
    node.setAttribute("aria-label", options.label);
    node.title = options.label;
  }
  node.addEventListener("click", options.onClick);
  return node;
}
