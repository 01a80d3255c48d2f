// Draws the Compact chart from the table below it, so the chart and its table always agree.
(function () {
  const canvas = document.getElementById("compact-chart");
  const table = document.getElementById("compact-table");
  if (!canvas || !table || !window.Chart) return;
  const rows = Array.from(table.querySelectorAll("tbody tr"));
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: rows.map((row) => row.dataset.label),
      datasets: [{ label: "Share kept (%)", data: rows.map((row) => (row.dataset.percent === "" ? null : Number(row.dataset.percent))), backgroundColor: "#1d70b8" }],
    },
    options: { indexAxis: "y", scales: { x: { min: 0, max: 100 } }, plugins: { legend: { display: false } } },
  });
})();
