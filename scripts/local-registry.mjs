/**
 * A throw-away npm registry (verdaccio) on a free localhost port, for tests that publish the
 * @descent/* packages and install them the way a user would. No side effects on import.
 *
 * The registry stores `@descent/*` itself, with anonymous publishing, and never asks the public registry
 * about that scope, so an install can only get what was published to it. Every other package (zod,
 * cli-progress, …) comes through an uplink to the public npm registry, the one registry the machines
 * reach.
 */
import { spawn } from "node:child_process";
import { openSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { root } from "./package-tools.mjs";

const verdaccioBin = join(root, "node_modules", "verdaccio", "bin", "verdaccio");

/** A TCP port that was free a moment ago on 127.0.0.1. */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function configuration(directory) {
  return `storage: ${JSON.stringify(join(directory, "storage"))}
auth:
  htpasswd:
    file: ${JSON.stringify(join(directory, "htpasswd"))}
    max_users: -1
uplinks:
  npmjs:
    url: https://registry.npmjs.org/
    timeout: 60s
packages:
  "@descent/*":
    access: $all
    publish: $all
  "**":
    access: $all
    proxy: npmjs
web:
  enable: false
max_body_size: 200mb
log: { type: stdout, format: pretty, level: warn }
`;
}

/**
 * Starts verdaccio with its storage, configuration and log in `directory`, and waits until it answers.
 *
 * The caller must `await registry.stop()` (in a `finally`); the server is also killed if this process
 * exits first.
 *
 * @returns {Promise<{ url: string, userconfig: string, logPath: string, stop: () => Promise<void> }>}
 *   `url` ends with "/"; `userconfig` is an npmrc whose registry is `url`, with a token npm and pnpm
 *   accept for publishing (the registry itself publishes anonymously).
 * @example
 * const registry = await startLocalRegistry(mkdtempSync(join(tmpdir(), "registry-")));
 * try { run("npm", ["install", "@descent/nn", "--userconfig", registry.userconfig]); }
 * finally { await registry.stop(); }
 */
export async function startLocalRegistry(directory, { timeoutMs = 60_000 } = {}) {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const url = `http://${host}/`;
  const configPath = join(directory, "verdaccio.yaml");
  const logPath = join(directory, "verdaccio.log");
  const userconfig = join(directory, "npmrc");
  writeFileSync(configPath, configuration(directory));
  writeFileSync(userconfig, `registry=${url}\n//${host}/:_authToken=anonymous-publish\n`);

  const log = openSync(logPath, "a");
  const server = spawn(process.execPath, [verdaccioBin, "--config", configPath, "--listen", host], {
    stdio: ["ignore", log, log],
  });
  let exitCode = null;
  const exited = new Promise((resolveExit) =>
    server.once("exit", (code, signal) => {
      exitCode = code ?? signal;
      resolveExit();
    }),
  );
  const killOnExit = () => server.kill("SIGKILL");
  process.once("exit", killOnExit);

  async function stop() {
    process.removeListener("exit", killOnExit);
    if (exitCode !== null) return;
    server.kill("SIGTERM");
    const timer = setTimeout(() => server.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }

  const deadline = Date.now() + timeoutMs;
  while (true) {
    if (exitCode !== null) {
      await stop();
      throw new Error(`verdaccio exited (${exitCode}) before answering; see ${logPath}`);
    }
    try {
      const response = await fetch(`${url}-/ping`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`verdaccio did not answer on ${url} within ${timeoutMs} ms; see ${logPath}`);
    }
    await new Promise((wake) => setTimeout(wake, 200));
  }
  return { url, userconfig, logPath, stop };
}
