// Small progressive enhancements; every form also works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Elements with data-confirm ask before submitting (e.g. discard, delete).
  document.body.addEventListener("submit", (event) => {
    const message = event.target.dataset?.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });
});
