// The portal's only script: confirmations before destructive actions, a loading indicator for
// anything slower than a moment, and live reloads when the event stream reports a change to
// what the page shows. Pages work without it.
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  if (form.hasAttribute("data-loading")) {
    const indicator = document.getElementById("loading");
    // Shown only if the answer takes more than a moment.
    window.setTimeout(() => { if (indicator) indicator.hidden = false; }, 300);
  }
});

// Live updates: pages that show orders or stock reload when an event about them arrives.
(() => {
  const watched = document.querySelector("[data-live-reload]");
  if (!watched || !window.EventSource) return;
  const prefix = watched.getAttribute("data-live-reload");
  const id = watched.getAttribute("data-live-id");
  const source = new EventSource("/live/events");
  const onEvent = (message) => {
    if (!message.type.startsWith(prefix)) return;
    try {
      const event = JSON.parse(message.data);
      const payload = event.payload || {};
      if (id && payload.orderID !== id) return;
    } catch (error) {
      return;
    }
    source.close();
    const notice = document.getElementById("live");
    if (notice) notice.hidden = false;
    window.setTimeout(() => window.location.reload(), 400);
  };
  ["order.placed", "order.confirmed", "order.partially_shipped", "order.shipped", "order.delivered", "order.completed",
   "order.cancelled", "order.rejected", "order.awaiting_approval", "stock.changed", "stock.low"].forEach((type) => source.addEventListener(type, onEvent));
})();

// A CSV file chosen on the import page is read into the text area (the page works without it:
// the CSV can be pasted).
document.addEventListener("change", (event) => {
  const input = event.target;
  const target = input.getAttribute && input.getAttribute("data-fills");
  if (!target || !input.files || !input.files[0]) return;
  input.files[0].text().then((text) => {
    const area = document.getElementById(target);
    if (area) area.value = text;
  });
});
