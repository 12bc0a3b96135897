// Reports: each section's chart drawn with Chart.js from its JSON endpoint (the table beside
// it holds the same numbers and is what works without JavaScript), the filter form's preset
// and dates kept in step, and the customer report's print button. No inline code (CSP).
(() => {
  "use strict";

  const COLORS = ["#1d4ed8", "#15803d", "#b45309", "#b91c1c", "#7c3aed", "#0e7490"];

  function chartConfig(chart) {
    const stacked = chart.datasets.some((dataset) => dataset.stack);
    const line = chart.type === "line";
    return {
      type: chart.type,
      data: {
        labels: chart.labels,
        datasets: chart.datasets.map((dataset, index) => ({
          ...dataset,
          borderColor: COLORS[index % COLORS.length],
          backgroundColor: COLORS[index % COLORS.length] + (line ? "33" : "cc"),
          borderWidth: line ? 2 : 1,
          pointRadius: line ? 2 : undefined,
          spanGaps: true,
          tension: 0.2,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: document.documentElement.lang || undefined,
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: { stacked },
          y: {
            stacked,
            beginAtZero: true,
            title: { display: Boolean(chart.scale), text: chart.scale },
          },
        },
      },
    };
  }

  async function draw(canvas) {
    canvas.dataset.chartState = "loading";
    try {
      const response = await fetch(canvas.dataset.chartUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const report = await response.json();
      const previous = window.Chart.getChart(canvas);
      if (previous) previous.destroy();
      new window.Chart(canvas, chartConfig(report.chart));
      canvas.dataset.chartState = "drawn";
    } catch (error) {
      // The table stays; only the picture is missing.
      canvas.dataset.chartState = "failed";
      canvas.closest(".report-chart")?.classList.add("chart-failed");
    }
  }

  function keepDatesInStep(form) {
    const range = form.elements.namedItem("range");
    if (!range) return;
    for (const name of ["from", "to"]) {
      const input = form.elements.namedItem(name);
      // Typing a date makes the range a custom one.
      input?.addEventListener("input", () => {
        range.value = "custom";
      });
    }
    // Choosing a preset shows it at once; "Custom" waits for the dates.
    range.addEventListener("change", () => {
      if (range.value && range.value !== "custom") form.requestSubmit();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (window.Chart) {
      document.querySelectorAll("canvas[data-chart-url]").forEach(draw);
    }
    document.querySelectorAll("form[data-report-filters]").forEach(keepDatesInStep);
    document.querySelectorAll("[data-print]").forEach((button) => {
      button.hidden = false;
      button.addEventListener("click", () => window.print());
    });
  });
})();
