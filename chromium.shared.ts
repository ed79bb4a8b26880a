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
