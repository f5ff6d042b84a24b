// Opened as a file: browsers refuse the modules and workers of the pages; say what to do.
// A classic script (not a module), so that it still runs from file://.
if (location.protocol === "file:") addEventListener("DOMContentLoaded", () => {
  const status = document.getElementById("status");
  status.textContent = "This page must be served over http: run `python -m http.server` in its folder and open http://127.0.0.1:8000/.";
  status.className = "status error";
});
