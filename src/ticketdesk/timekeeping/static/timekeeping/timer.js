// The working-time timer of the ticket page. While the page is visible it posts a
// heartbeat every data-interval seconds to data-heartbeat-url; when the page is hidden
// or left it posts a final "stop" (sendBeacon, which survives the page going away).
// The server measures the time from its own clock; this script only says "still here".
// Config comes from the #time-timer element (no inline script: the CSP stays strict);
// the element may be replaced by htmx swaps of the panel, so it is looked up each time.
(() => {
  const element = () => document.getElementById("time-timer");
  let timer = null;

  const csrfToken = () => {
    try {
      const headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (headers["X-CSRFToken"]) return headers["X-CSRFToken"];
    } catch (error) {
      // fall through to the form field
    }
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  };

  const body = (state) => new URLSearchParams({ state, csrfmiddlewaretoken: csrfToken() });

  const showLabel = (text) => {
    const label = element()?.querySelector("[data-timer-label]");
    if (label && text) label.textContent = text;
  };

  const beat = () => {
    const config = element();
    if (!config || document.visibilityState !== "visible") return;
    fetch(config.dataset.heartbeatUrl, {
      method: "POST",
      body: body("beat"),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then((response) => (response.ok ? response.json() : null))
      .then((answer) => answer && showLabel(answer.label))
      .catch(() => {}); // offline: the next beat tries again, the server cuts the gap
  };

  const start = () => {
    const config = element();
    if (!config || timer !== null || document.visibilityState !== "visible") return;
    const seconds = Math.max(Number(config.dataset.interval) || 30, 1);
    beat();
    timer = window.setInterval(beat, seconds * 1000);
  };

  const stop = () => {
    if (timer === null) return;
    window.clearInterval(timer);
    timer = null;
    const config = element();
    if (!config) return;
    const url = config.dataset.heartbeatUrl;
    if (!(navigator.sendBeacon && navigator.sendBeacon(url, body("stop")))) {
      fetch(url, { method: "POST", body: body("stop"), credentials: "same-origin", keepalive: true })
        .catch(() => {});
    }
  };

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") start();
    else stop();
  });
  window.addEventListener("pagehide", stop);
  // Back to a page kept in the browser's back-forward cache: it runs again.
  window.addEventListener("pageshow", (event) => { if (event.persisted) start(); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
