// Charts of the quarter page: the main indicators over the last eight quarters.
// Data comes from the json_script element "quarter-chart-data"; Chart.js is served
// from node_modules (static 'vendor/chart.js/chart.umd.js').
(function () {
  const source = document.getElementById("quarter-chart-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const locale = document.documentElement.lang === "en" ? "en-GB" : "vi-VN";
  const format = (value) =>
    value === null || value === undefined ? "" : Number(value).toLocaleString(locale);
  const colour = getComputedStyle(document.documentElement).getPropertyValue("--brand").trim() || "#a50f15";

  document.querySelectorAll("canvas[data-chart-index]").forEach((canvas) => {
    const series = data.series[Number(canvas.dataset.chartIndex)];
    if (!series) {
      return;
    }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          {
            label: series.label,
            data: series.values,
            backgroundColor: colour,
            borderRadius: 2,
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (item) => format(item.parsed.y),
              // How many units the bar sums: a taller bar may only be more units.
              afterLabel: (item) => (series.units ? series.units[item.dataIndex] : ""),
            },
          },
        },
        scales: {
          y: { beginAtZero: true, ticks: { callback: (value) => format(value) } },
          x: { ticks: { autoSkip: false, maxRotation: 45, font: { size: 10 } } },
        },
      },
    });
  });
})();
