// The Web Worker that runs Python: Pyodide, the project's wheel, micrograd.playground.
// The page never freezes while Python loads or trains. Every message is answered with
// {id, ok, result} or {id, ok: false, error}; message id 0 says when Python is ready.
import { loadPyodide } from "./pyodide/pyodide.mjs";

const here = (path) => new URL(path, import.meta.url).href;

async function start() {
  const started = performance.now();
  const manifest = await (await fetch(here("./wheels.json"))).json();
  const pyodide = await loadPyodide({ indexURL: here("./pyodide/") });
  // The project's own wheel and graphviz's (pure Python): this engine, not a copy of it.
  await pyodide.loadPackage(manifest.wheels.map(here), { messageCallback: () => {} });
  const call = pyodide.pyimport("micrograd.playground").call;
  return { call, seconds: (performance.now() - started) / 1000 };
}

const ready = start();
ready.then(
  ({ seconds }) => self.postMessage({ id: 0, ok: true, result: { seconds } }),
  (error) => self.postMessage({ id: 0, ok: false, error: "Python could not start: " + error.message }),
);

self.onmessage = async (event) => {
  const { id, command, args } = event.data;
  try {
    const { call } = await ready;
    self.postMessage({ id, ...JSON.parse(call(command, JSON.stringify(args ?? {}))) });
  } catch (error) {
    // A Python exception the module did not expect: its last line is the readable part.
    const lines = String(error.message ?? error).trim().split("\n");
    self.postMessage({ id, ok: false, error: lines[lines.length - 1] });
  }
};
