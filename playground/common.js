// What both pages share: the Python worker, the graph renderer, messages, languages.
import { instance as vizInstance } from "./viz/viz.js";
import { translate, t } from "./i18n.js";

export { t };

// Start Python in a worker. Returns {ready, call}: `ready` resolves with the seconds it
// took; `call(command, args)` resolves with the result or rejects with a readable Error.
export function startPython(status) {
  if (location.protocol === "file:") {
    showStatus(status, t("file-protocol"), "error");
    throw new Error(t("file-protocol"));
  }
  const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  const pending = new Map();
  let next = 1;
  showStatus(status, t("loading"), "loading");
  let resolveReady, rejectReady;
  const ready = new Promise((resolve, reject) => { resolveReady = resolve; rejectReady = reject; });
  worker.onmessage = ({ data }) => {
    if (data.id === 0) {
      if (data.ok) {
        showStatus(status, t("ready", data.result.seconds.toFixed(1)), "ready");
        resolveReady(data.result.seconds);
      } else {
        showStatus(status, data.error, "error");
        rejectReady(new Error(data.error));
      }
      return;
    }
    const { resolve, reject } = pending.get(data.id);
    pending.delete(data.id);
    if (data.ok) resolve(data.result);
    else reject(new Error(data.error));
  };
  worker.onerror = (event) => {
    const message = t("worker-failed", event.message || "");
    showStatus(status, message, "error");
    rejectReady(new Error(message));
  };
  const call = (command, args = {}) =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, command, args });
    });
  return { ready, call };
}

export function showStatus(element, text, kind) {
  element.textContent = text;
  element.className = "status " + kind;
}

// Show a message in an error box (or hide it with an empty text).
export function showError(element, text) {
  element.textContent = text || "";
  element.hidden = !text;
}

let viz = null;
// Render DOT source (from micrograd.draw.draw_dot) as an SVG element into `container`.
export async function renderDot(container, dot) {
  viz ??= await vizInstance();
  const svg = viz.renderSVGElement(dot);
  svg.removeAttribute("width");   // let CSS size it to the page
  svg.removeAttribute("height");
  container.replaceChildren(svg);
  return svg;
}

// The language toggle: English or Chinese page text (Python's own texts stay English).
export function setupLanguage(button) {
  const params = new URLSearchParams(location.search);
  let lang = params.get("lang") || localStorage.getItem("micrograd-lang") || "en";
  const apply = () => {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    translate(lang);
    button.textContent = lang === "zh" ? "English" : "中文";
  };
  button.addEventListener("click", () => {
    lang = lang === "zh" ? "en" : "zh";
    localStorage.setItem("micrograd-lang", lang);
    apply();
  });
  apply();
}
