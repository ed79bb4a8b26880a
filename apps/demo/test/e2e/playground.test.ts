import { rmSync } from "node:fs";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  artifactPath,
  browserUnavailable,
  buildPage,
  launchChromium,
  openPlayground,
  serveDirectory,
} from "./harness.js";

const missing = browserUnavailable();

// DESCENT_SKIP_BROWSER=1 leaves this file out of the run (see vitest.config.ts); in CI it never does.
if (missing !== null) {
  test("Chromium is installed for the browser end-to-end tests", () => {
    throw new Error(`${missing} (or set DESCENT_SKIP_BROWSER=1 to run the other tests without the browser)`);
  });
} else {
  describe("the playground in Chromium", () => {
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

    /** Opens the page with a query, collecting console errors and uncaught exceptions. */
    const open = (query = "") => openPlayground(context, server.url, query);

    const number = async (page: Page, testId: string) =>
      Number((await page.getByTestId(testId).textContent())?.replace(/,/g, ""));

    test("loads with labelled controls, a heat map and no errors", async () => {
      const { page, errors } = await open();
      expect(await page.title()).toBe("descent playground");
      for (const id of [
        "play",
        "pause",
        "step",
        "reset",
        "dataset",
        "activation",
        "optimizer",
        "learning-rate",
        "batch-size",
        "regularizer",
        "regularization-rate",
        "epoch",
        "train-loss",
        "test-loss",
        "boundary",
      ]) {
        await expect.poll(() => page.getByTestId(id).count(), { message: id }).toBe(1);
      }
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLInputElement | HTMLSelectElement>("input, select")]
          .filter((control) => control.labels === null || control.labels.length === 0)
          .map((control) => control.outerHTML),
      );
      expect(unlabelled).toEqual([]);
      expect(await number(page, "epoch")).toBe(0);
      expect(await number(page, "test-loss")).toBeGreaterThan(0);
      // The heat map is drawn: the canvas holds more than one color.
      const colors = await page.getByTestId("boundary").evaluate((canvas: HTMLCanvasElement) => {
        const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
        const seen = new Set<number>();
        for (let i = 0; i < data.length; i += 4 * 97)
          seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
        return seen.size;
      });
      expect(colors).toBeGreaterThan(10);
      expect(errors).toEqual([]);
      await page.close();
    });

    test("trains: the test loss falls and the epoch counter rises; the page stays responsive", async () => {
      const { page, errors } = await open("?dataset=gaussian&learningRate=0.1");
      const lossBefore = await number(page, "test-loss");
      await page.getByTestId("play").click();
      await expect.poll(() => number(page, "epoch"), { timeout: 30_000 }).toBeGreaterThanOrEqual(20);
      // The main thread answers while training runs in the worker.
      const roundTrip = await page.evaluate(
        () => new Promise<number>((done) => setTimeout(() => done(1), 0)),
      );
      expect(roundTrip).toBe(1);
      await page.getByTestId("pause").click();
      await expect.poll(() => page.getByTestId("play").isEnabled()).toBe(true);
      const lossAfter = await number(page, "test-loss");
      expect(lossAfter).toBeLessThan(lossBefore * 0.5);
      await page.screenshot({ path: artifactPath("playground-trained.png"), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });

    test("switching the optimizer while training runs keeps training going", async () => {
      const { page, errors } = await open("?dataset=xor&features=x1,x2,x1x2");
      await page.getByTestId("play").click();
      await expect.poll(() => number(page, "step-count"), { timeout: 30_000 }).toBeGreaterThan(200);
      await page.getByTestId("optimizer").selectOption({ label: "Adam" });
      await page.getByTestId("learning-rate").selectOption({ label: "0.01" });
      const stepsAtSwitch = await number(page, "step-count");
      await expect
        .poll(() => number(page, "step-count"), { timeout: 30_000 })
        .toBeGreaterThan(stepsAtSwitch + 500);
      expect(await page.getByTestId("pause").isEnabled()).toBe(true);
      expect(page.url()).toContain("optimizer=adam");
      expect(page.url()).toContain("learningRate=0.01");
      await page.getByTestId("pause").click();
      expect(await page.getByTestId("error").isHidden()).toBe(true);
      expect(errors).toEqual([]);
      await page.close();
    });

    test("changing the dataset redraws the boundary canvas with the new points", async () => {
      const { page, errors } = await open();
      const pixels = () =>
        page.getByTestId("boundary").evaluate((canvas: HTMLCanvasElement) => canvas.toDataURL());
      const before = await pixels();
      const version = await page.evaluate(() => document.getElementById("app")!.dataset.version);
      await page.getByTestId("dataset").selectOption({ label: "Spiral" });
      await page.waitForFunction((old) => document.getElementById("app")!.dataset.version !== old, version);
      await expect.poll(pixels).not.toBe(before);
      expect(page.url()).toContain("dataset=spiral");
      expect(await number(page, "epoch")).toBe(0);
      // The pictures beside the select pick a set too.
      const spiral = await pixels();
      await page.getByTestId("dataset-xor").click();
      await expect.poll(pixels).not.toBe(spiral);
      expect(page.url()).toContain("dataset=xor");
      expect(await page.getByTestId("dataset-xor").getAttribute("aria-pressed")).toBe("true");
      expect(await page.getByTestId("dataset").locator("option:checked").textContent()).toBe("Exclusive or");
      expect(errors).toEqual([]);
      await page.close();
    });

    test("one step, slowly: forward values, then gradients layer by layer, then the update", async () => {
      const { page, errors } = await open();
      const phase = page.getByTestId("slow-phase");
      await expect.poll(() => phase.textContent()).toBe("idle");
      await page.getByTestId("slow-step").click();
      await expect.poll(() => phase.textContent()).toBe("forward");
      expect(await number(page, "step-count")).toBe(0);
      await expect.poll(() => phase.textContent(), { timeout: 10_000 }).toBe("backward");
      const rows = page.getByTestId("gradient-norms").locator("tbody tr");
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
      await expect.poll(() => phase.textContent(), { timeout: 10_000 }).toBe("update");
      // Three dense layers (4, 2 and the output): all have their gradient norm, and the step is done.
      expect(await rows.count()).toBe(3);
      expect(await rows.first().textContent()).toContain("dense_3 (output)");
      expect(await number(page, "step-count")).toBe(1);
      await expect(page.getByTestId("slow-step-panel").textContent()).resolves.toMatch(/3\. Update \(sgd.*→/);
      await page.screenshot({ path: artifactPath("playground-slow-step.png"), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });

    test("the URL holds the whole set-up; bad values fall back to defaults with a visible notice", async () => {
      const { page, errors } = await open(
        "?dataset=twoMoons&hiddenLayers=3&activation=relu&reluSubgradient=0.5&optimizer=bogus&learningRate=7",
      );
      const notice = page.getByTestId("notice");
      expect(await notice.isVisible()).toBe(true);
      expect(await notice.textContent()).toContain('optimizer="bogus" is not valid');
      expect(await notice.textContent()).toContain('learningRate="7" is not valid');
      expect(await page.getByTestId("optimizer").inputValue()).toBe("0");
      expect(await page.getByTestId("activation").locator("option:checked").textContent()).toBe("relu");
      await page.getByTestId("regularizer").selectOption({ label: "L2" });
      await page.getByTestId("batch-size").fill("25");
      await expect.poll(() => page.url()).toContain("batchSize=25");
      const shared = page.url();
      expect(shared).toContain("regularizer=l2");
      expect(shared).toContain("hiddenLayers=3&");
      const reopened = await open(shared.slice(shared.indexOf("?")));
      expect(await reopened.page.getByTestId("notice").isHidden()).toBe(true);
      expect(await reopened.page.getByTestId("batch-size").inputValue()).toBe("25");
      expect(await reopened.page.getByTestId("regularizer").locator("option:checked").textContent()).toBe(
        "L2",
      );
      expect(await reopened.page.getByTestId("dataset").locator("option:checked").textContent()).toBe(
        "Two moons",
      );
      expect([...errors, ...reopened.errors]).toEqual([]);
      await page.close();
      await reopened.page.close();
    });

    test("an error in the worker is shown, not swallowed", async () => {
      const { page } = await open("?dataset=regressionPlane&features=x1Squared,x2Squared&learningRate=10");
      await page.getByTestId("play").click();
      const error = page.getByTestId("error");
      await expect.poll(() => error.isVisible(), { timeout: 30_000 }).toBe(true);
      expect(await error.textContent()).toMatch(/the loss became (NaN|Infinity) at step \d+/);
      expect(await page.getByTestId("play").isEnabled()).toBe(true);
      await page.close();
    });

    test("the network editor adds and removes layers and neurons", async () => {
      const { page, errors } = await open();
      await page.getByTestId("add-layer").click();
      await expect.poll(() => page.url()).toContain("hiddenLayers=4,2,2&");
      await page.getByTestId("add-neuron-3").click();
      await page.getByTestId("remove-neuron-1").click();
      await expect.poll(() => page.url()).toContain("hiddenLayers=3,2,3&");
      await page.getByTestId("feature-x1Squared").check();
      await expect.poll(() => page.url()).toContain("features=x1,x2,x1Squared&");
      await page.getByTestId("step").click();
      await expect.poll(() => number(page, "step-count")).toBe(1);
      // Pointing at the first neuron of hidden layer 1 shows its output in the big picture.
      const pixels = () =>
        page.getByTestId("boundary").evaluate((canvas: HTMLCanvasElement) => canvas.toDataURL());
      const output = await pixels();
      await page.getByTestId("network").hover({ position: { x: 180, y: 25 } });
      await expect.poll(pixels).not.toBe(output);
      await page.mouse.move(0, 0);
      await expect.poll(pixels).toBe(output);
      await page.screenshot({ path: artifactPath("playground.png"), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });
  });
}
