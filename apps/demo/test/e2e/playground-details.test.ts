import { rmSync } from "node:fs";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type AppState, DEFAULT_STATE } from "../../src/state/app-state.js";
import { HEATMAP_OPACITY } from "../../src/views/boundary-view.js";
import { NEGATIVE_COLOR, POSITIVE_COLOR } from "../../src/views/colors.js";
import { biasBox, linkPoint } from "../../src/views/network-hit.js";
import { networkLayout } from "../../src/views/network-view.js";
import { prepareData } from "../../src/worker/data.js";
import { Trainer } from "../../src/worker/trainer.js";
import {
  artifactPath,
  browserUnavailable,
  buildPage,
  launchChromium,
  openPlayground,
  serveDirectory,
} from "./harness.js";

// The TensorFlow Playground's details: link weights on hover and by hand, view settings in the URL, a faded
// heat map, the speed, the squared loss and the dead-neuron warning. DESCENT_SKIP_BROWSER=1 leaves this
// file out (see vitest.config.ts); in CI it never does.
const missing = browserUnavailable();

if (missing !== null) {
  test("Chromium is installed for the browser end-to-end tests", () => {
    throw new Error(`${missing} (or set DESCENT_SKIP_BROWSER=1 to run the other tests without the browser)`);
  });
} else {
  describe("the playground's details in Chromium", () => {
    let distribution = "";
    let server: Awaited<ReturnType<typeof serveDirectory>>;
    let browser: Awaited<ReturnType<typeof launchChromium>>;
    let context: BrowserContext;

    beforeAll(async () => {
      distribution = await buildPage();
      server = await serveDirectory(distribution);
      browser = await launchChromium();
      context = browser.context;
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      if (distribution) rmSync(distribution, { recursive: true, force: true });
    });

    const open = (query = "") => openPlayground(context, server.url, query);
    const text = async (page: Page, testId: string) => (await page.getByTestId(testId).textContent()) ?? "";
    const appData = (page: Page, key: string) =>
      page.evaluate((name) => Number(document.getElementById("app")!.dataset[name]), key);

    test("show test data and discretize output are kept in the URL and survive a reload", async () => {
      const { page, errors } = await open();
      const pixels = () =>
        page.getByTestId("boundary").evaluate((canvas: HTMLCanvasElement) => canvas.toDataURL());
      const plain = await pixels();
      await page.getByTestId("show-test").check();
      await expect.poll(() => page.url()).toContain("showTestData=true");
      await expect.poll(pixels).not.toBe(plain);
      await page.getByTestId("discretize").check();
      await expect.poll(() => page.url()).toContain("discretize=true");
      const shared = page.url();
      const reopened = await open(shared.slice(shared.indexOf("?")));
      expect(await reopened.page.getByTestId("show-test").isChecked()).toBe(true);
      expect(await reopened.page.getByTestId("discretize").isChecked()).toBe(true);
      expect(await reopened.page.getByTestId("notice").isHidden()).toBe(true);
      await reopened.page.getByTestId("show-test").uncheck();
      await expect.poll(() => reopened.page.url()).toContain("showTestData=false&discretize=true");
      expect([...errors, ...reopened.errors]).toEqual([]);
      await page.close();
      await reopened.page.close();
    });

    test("the heat map is faded: a training point stands out from its own class's region", async () => {
      // Discretized, the heat map is flat color cell by cell; without fading it is the points' own color.
      const state: AppState = { ...DEFAULT_STATE, discretize: true };
      const { page, errors } = await open("?discretize=true");
      const { train, domain } = prepareData(state);
      const size = 320;
      const toPixel = (value: number) => ((value - domain.min) / (domain.max - domain.min)) * size;
      // Only the training points are drawn (show test data is off).
      const all = train.points;
      const centers: { x: number; y: number; label: number }[] = [];
      for (let i = 0; i < train.count; i++) {
        const x = toPixel(train.points[2 * i]!);
        const y = size - toPixel(train.points[2 * i + 1]!);
        let nearest = Number.POSITIVE_INFINITY;
        for (let k = 0; k < all.length / 2; k++) {
          const d = Math.hypot(toPixel(all[2 * k]!) - x, size - toPixel(all[2 * k + 1]!) - y);
          if (d > 0) nearest = Math.min(nearest, d);
        }
        // Alone (no other disc reaches the samples 7 px away) and clear of the edges and the axis labels.
        if (nearest > 12 && x > 16 && x < size - 16 && y > 16 && y < size - 16) {
          centers.push({ x: Math.round(x), y: Math.round(y), label: train.targets.data[i]! });
        }
      }
      expect(centers.length).toBeGreaterThan(20);
      const samples = await page.getByTestId("boundary").evaluate((canvas: HTMLCanvasElement, points) => {
        const context = canvas.getContext("2d")!;
        const ratio = canvas.width / 320;
        const at = (x: number, y: number) => [
          ...context.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data.slice(0, 3),
        ];
        return points.map(({ x, y }) => ({
          center: at(x, y),
          around: [at(x + 7, y), at(x - 7, y), at(x, y + 7), at(x, y - 7)],
        }));
      }, centers);
      const rgb = (hex: string) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
      const background = rgb("#e8eaeb");
      const faded = (hex: string) =>
        rgb(hex).map((c, k) => c * HEATMAP_OPACITY + background[k]! * (1 - HEATMAP_OPACITY));
      const distance = (a: number[], b: number[]) => Math.max(...a.map((c, k) => Math.abs(c - b[k]!)));
      let checked = 0;
      samples.forEach(({ center, around }, i) => {
        const color = centers[i]!.label === 1 ? POSITIVE_COLOR : NEGATIVE_COLOR;
        // The point is drawn at full strength...
        expect(distance(center, rgb(color))).toBeLessThanOrEqual(2);
        // ...and where the heat map around it is its own class's color, that color is the faded one.
        if (around.every((pixel) => distance(pixel, faded(color)) <= 3)) {
          checked++;
          expect(distance(center, around[0]!)).toBeGreaterThan(40);
        }
      });
      expect(checked).toBeGreaterThan(5);
      await page.screenshot({ path: artifactPath("playground-faded-heatmap.png"), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });

    test("the speed is in the URL and reaches the worker: steps = frames × steps per frame", async () => {
      const { page, errors } = await open("?speed=2");
      expect(await page.getByTestId("speed").locator("option:checked").textContent()).toBe("2 steps / frame");
      const playFor = async (frames: number) => {
        const start = await appData(page, "frame");
        await page.getByTestId("play").click();
        await expect
          .poll(() => appData(page, "frame"), { timeout: 20_000 })
          .toBeGreaterThanOrEqual(start + frames);
        await page.getByTestId("pause").click();
        // The snapshot that answers the pause carries the final counts.
        await page.waitForFunction(() => document.getElementById("app")!.dataset.running === "false");
        return { frame: await appData(page, "frame"), step: await appData(page, "step") };
      };
      const slow = await playFor(10);
      expect(slow.step).toBe(2 * slow.frame);
      await page.getByTestId("speed").selectOption({ label: "25 steps / frame" });
      await expect.poll(() => page.url()).toContain("speed=25");
      const fast = await playFor(10);
      expect(fast.frame - slow.frame).toBeGreaterThanOrEqual(10);
      expect(fast.step - slow.step).toBe(25 * (fast.frame - slow.frame));
      expect(await text(page, "step-count")).toBe(String(fast.step));
      expect(errors).toEqual([]);
      await page.close();
    });

    test("the squared loss ½(t − tanh z)² is selectable, kept in the URL and is the loss shown", async () => {
      const { page, errors } = await open();
      // The same seed gives the same first weights in Node: the losses of its predictions, written out.
      const trainer = new Trainer(DEFAULT_STATE);
      const labels = trainer.prepared.train.targets.data;
      const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
      const crossEntropy = mean(
        [...trainer.predictions("train")].map(
          (p, i) => -(labels[i]! * Math.log(p) + (1 - labels[i]!) * Math.log(1 - p)),
        ),
      );
      trainer.setLoss("squared");
      const squared = mean(
        [...trainer.predictions("train")].map((p, i) => 0.5 * (2 * labels[i]! - 1 - p) ** 2),
      );
      expect(Math.abs(crossEntropy - squared)).toBeGreaterThan(0.05);
      const shown = async () => Number(await text(page, "train-loss"));
      expect(await text(page, "loss-name")).toBe("cross-entropy");
      expect(Math.abs((await shown()) - crossEntropy)).toBeLessThanOrEqual(0.0015);
      await page.getByTestId("loss").selectOption({ label: "squared ½(y−ŷ)²" });
      await expect.poll(() => page.url()).toContain("loss=squared");
      await expect.poll(() => text(page, "loss-name")).toBe("squared ½(y−ŷ)²");
      expect(Math.abs((await shown()) - squared)).toBeLessThanOrEqual(0.0015);
      // Training on it lowers it.
      await page.getByTestId("play").click();
      await expect.poll(() => appData(page, "step"), { timeout: 20_000 }).toBeGreaterThan(300);
      await page.getByTestId("pause").click();
      await page.waitForFunction(() => document.getElementById("app")!.dataset.running === "false");
      expect(await shown()).toBeLessThan(squared);
      // Regression has only the squared loss: the select says so and cannot be changed.
      await page.getByTestId("dataset").selectOption({ label: "Plane" });
      await expect.poll(() => page.getByTestId("loss").isDisabled()).toBe(true);
      expect(errors).toEqual([]);
      await page.close();
    });

    test("a link's weight shows on hover and can be edited; bad input is refused; a dead relu neuron is flagged", async () => {
      const { page, errors } = await open("?activation=relu&hiddenLayers=4");
      const network = page.getByTestId("network");
      const tooltip = page.getByTestId("link-tooltip");
      const layout = networkLayout([2, 4, 1]);
      const link = linkPoint(layout, 1, 0, 0, 0.5);
      await network.hover({ position: link });
      await expect.poll(() => tooltip.isVisible()).toBe(true);
      expect(await tooltip.textContent()).toMatch(/^Weight x₁ → h1\.1: -?\d[\d.e-]* — click to edit$/);
      await network.click({ position: link });
      const input = page.getByTestId("weight-input");
      await expect.poll(() => input.isVisible()).toBe(true);
      expect(await page.getByTestId("weight-editor-title").textContent()).toBe("Weight x₁ → h1.1");
      const message = page.getByTestId("weight-error");
      await input.fill("abc");
      await page.getByTestId("weight-apply").click();
      await expect.poll(() => message.isVisible()).toBe(true);
      expect(await message.textContent()).toContain('"abc" is not a number');
      await input.fill("Infinity");
      await input.press("Enter");
      await expect.poll(() => message.textContent()).toContain("too large");
      expect(await input.isVisible()).toBe(true);
      await input.fill("-1.5");
      await input.press("Enter");
      await expect.poll(() => input.isVisible()).toBe(false);
      await page.mouse.move(0, 0);
      await network.hover({ position: link });
      await expect.poll(() => tooltip.textContent()).toBe("Weight x₁ → h1.1: -1.5 — click to edit");

      // Every relu neuron learns at first; a bias of −100 (set by hand) kills one, and the page says so.
      const warning = page.getByTestId("dead-units");
      expect(await warning.isHidden()).toBe(true);
      const box = biasBox(layout, 1, 0);
      const bias = { x: box.x + 4, y: box.y + 4 };
      await page.mouse.move(0, 0);
      await network.hover({ position: bias });
      await expect.poll(() => tooltip.textContent()).toBe("Bias of h1.1: 0 — click to edit");
      await network.click({ position: bias });
      await input.fill("-100");
      await input.press("Enter");
      await expect.poll(() => warning.isVisible()).toBe(true);
      expect(await warning.textContent()).toMatch(/1 of 4 neurons in hidden 1 \(h1\.1\) is dead: ‖∇‖ = 0/);
      await page.screenshot({ path: artifactPath("playground-dead-neuron.png"), fullPage: true });
      // Training cannot revive it; a reset can.
      await page.getByTestId("step").click();
      await expect.poll(() => appData(page, "step")).toBe(1);
      expect(await warning.isVisible()).toBe(true);
      await page.getByTestId("reset").click();
      await expect.poll(() => warning.isHidden()).toBe(true);
      expect(errors).toEqual([]);
      await page.close();
    });
  });
}
