// Ticket list: a "select all" box for the bulk actions. Without JavaScript the
// box stays hidden and each row is ticked on its own.
(() => {
  const reveal = () => {
    document.querySelectorAll(".select-all[hidden]").forEach((box) => { box.hidden = false; });
  };
  document.addEventListener("DOMContentLoaded", reveal);
  document.addEventListener("htmx:afterSettle", reveal);
  document.addEventListener("change", (event) => {
    const all = event.target.closest?.(".select-all");
    if (!all) return;
    all.closest("table").querySelectorAll('input[name="tickets"]').forEach((box) => {
      box.checked = all.checked;
    });
  });
})();
