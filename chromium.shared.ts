import { createServer } from "node:http";

/** Debian's Chromium, which CI installs with apt-get: the browser tests never download a browser build. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Headless flags for the browser tests. Without the background-networking ones, Chromium keeps trying hosts
 * that this closed network refuses; `--no-sandbox` because CI runs as root.
 */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** A local site for a browser test: its address and how to stop it. */
export interface TestSite {
  /** `http://127.0.0.1:<port>/`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves a one-script page for a browser test on 127.0.0.1: `<folder>/` is an HTML page that loads
 * `<folder>/check.js`, which is `bundle`. `folders` maps each folder (`""` for the root) to the headers its
 * responses carry (e.g. COOP/COEP for a cross-origin-isolated page); any other path is a 404.
 *
 * @example
 * const site = await serveCheckPage(bundle, "descent fitAsync", { "": {} });
 * await page.goto(site.url);
 */
export async function serveCheckPage(
  bundle: string,
  title: string,
  folders: Readonly<Record<string, Readonly<Record<string, string>>>>,
): Promise<TestSite> {
  const page = `<!doctype html><meta charset="utf-8"><title>${title}</title><script type="module" src="check.js"></script>`;
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const slash = path.lastIndexOf("/");
    const folder = path.slice(1, slash);
    const file = path.slice(slash + 1);
    const headers = Object.hasOwn(folders, folder) ? folders[folder] : undefined;
    if (headers === undefined || (file !== "" && file !== "check.js")) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const script = file === "check.js";
    response.writeHead(200, {
      ...headers,
      "content-type": script ? "text/javascript; charset=utf-8" : "text/html; charset=utf-8",
    });
    response.end(script ? bundle : page);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
