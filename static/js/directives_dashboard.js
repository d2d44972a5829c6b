// Draws the follow-up dashboard's charts from the numbers the page embeds with
// json_script (no inline script). Chart.js is served from node_modules.
(function () {
  "use strict";
  const source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const common = { responsive: true, maintainAspectRatio: false, animation: false };

  function draw(id, config) {
    const canvas = document.getElementById(id);
    if (canvas) {
      new Chart(canvas, config);
    }
  }

  draw("chart-status", {
    type: "doughnut",
    data: {
      labels: data.status.labels,
      datasets: [{ data: data.status.values, backgroundColor: data.status.colors }],
    },
    options: { ...common, plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } } },
  });

  draw("chart-units", {
    type: "bar",
    data: {
      labels: data.units.labels,
      datasets: [
        { label: data.units.legend[0], data: data.units.done, backgroundColor: "#198754" },
        { label: data.units.legend[1], data: data.units.overdue, backgroundColor: "#dc3545" },
        { label: data.units.legend[2], data: data.units.open, backgroundColor: "#0d6efd" },
      ],
    },
    options: {
      ...common,
      scales: {
        x: { stacked: true, ticks: { autoSkip: false, maxRotation: 60 } },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
      },
    },
  });

  draw("chart-trend", {
    type: "line",
    data: {
      labels: data.trend.labels,
      datasets: [
        { label: data.trend.legend[0], data: data.trend.issued, borderColor: "#a50f15", backgroundColor: "#a50f15" },
        { label: data.trend.legend[1], data: data.trend.completed, borderColor: "#198754", backgroundColor: "#198754" },
        { label: data.trend.legend[2], data: data.trend.updated, borderColor: "#0d6efd", backgroundColor: "#0d6efd" },
      ],
    },
    options: { ...common, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
})();
