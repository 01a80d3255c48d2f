// Draws the relationship health chart from the table beside it, so the chart and its table always agree.
(function () {
  const canvas = document.getElementById("health-chart");
  const table = document.getElementById("health-table");
  if (!canvas || !table || !window.Chart) return;
  const rows = Array.from(table.querySelectorAll("tbody tr"));
  const value = (text) => (text === "" ? null : Number(text));
  const box = document.createElement("div");
  box.className = "lb-chart";
  box.style.position = "relative";
  box.style.height = "280px";
  canvas.parentElement.insertBefore(box, canvas);
  box.appendChild(canvas);
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: rows.map((row) => row.dataset.label),
      datasets: [
        { label: "Index", data: rows.map((row) => value(row.dataset.index)), borderColor: "#1d70b8", backgroundColor: "#1d70b8", spanGaps: true },
      ],
    },
    options: {
      maintainAspectRatio: false,
      scales: { y: { min: 0, max: 100 } },
      plugins: { legend: { display: false } },
    },
  });
})();
