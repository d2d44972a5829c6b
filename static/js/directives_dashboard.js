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

  // Each chart is drawn in a task of its own when it comes near the screen: a phone
  // shows the first one at once and the page answers taps meanwhile (drawing all
  // three in one go held a slow phone's main thread for a quarter of a second).
  const nearScreen =
    "IntersectionObserver" in window
      ? new IntersectionObserver(
          (entries, observer) => {
            for (const entry of entries) {
              if (entry.isIntersecting) {
                observer.unobserve(entry.target);
                setTimeout(entry.target.drawChart, 0);
              }
            }
          },
          { rootMargin: "200px" },
        )
      : null;

  // A printed dashboard has every chart, scrolled to or not.
  window.addEventListener("beforeprint", () => {
    for (const canvas of document.querySelectorAll("canvas")) {
      if (canvas.drawChart) {
        canvas.drawChart();
      }
    }
  });

  function draw(id, config) {
    const canvas = document.getElementById(id);
    if (!canvas) {
      return;
    }
    canvas.drawChart = () => {
      if (!canvas.chartDrawn) {
        canvas.chartDrawn = true;
        new Chart(canvas, config);
      }
    };
    if (nearScreen) {
      nearScreen.observe(canvas);
    } else {
      setTimeout(canvas.drawChart, 0);
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
