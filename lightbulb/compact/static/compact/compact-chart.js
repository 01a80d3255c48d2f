// Draws the Compact chart from the table below it, so the chart and its table always agree.
// Horizontal bars with each commitment's name wrapped over a few lines and every label shown, the
// chart as tall as its rows need, so it reads at 320px as at 1280px.
(function () {
  const canvas = document.getElementById("compact-chart");
  const table = document.getElementById("compact-table");
  if (!canvas || !table || !window.Chart) return;
  const rows = Array.from(table.querySelectorAll("tbody tr"));
  const narrow = canvas.parentElement.clientWidth < 480;
  const lineLength = narrow ? 16 : 32;
  const wrap = (text) => {
    const lines = [];
    let line = "";
    text.split(/\s+/).forEach((word) => {
      if (line && `${line} ${word}`.length > lineLength) {
        lines.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    });
    if (line) lines.push(line);
    return lines.length > 3 ? [...lines.slice(0, 2), `${lines[2].slice(0, lineLength - 1)}…`] : lines;
  };
  const labels = rows.map((row) => wrap(row.dataset.label || ""));
  const lineCount = labels.reduce((sum, label) => sum + label.length, 0);
  // A box of the right height for the chart to fill (set through the DOM, which the CSP allows).
  const box = document.createElement("div");
  box.className = "lb-chart";
  box.style.position = "relative";
  box.style.height = `${Math.max(rows.length * 34, lineCount * 18) + 60}px`;
  canvas.parentElement.insertBefore(box, canvas);
  box.appendChild(canvas);
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels,
      datasets: [{ label: "Share kept (%)", data: rows.map((row) => (row.dataset.percent === "" ? null : Number(row.dataset.percent))), backgroundColor: "#1d70b8" }],
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      scales: { x: { min: 0, max: 100, ticks: { callback: (value) => `${value}%` } }, y: { ticks: { autoSkip: false } } },
      plugins: { legend: { display: false } },
    },
  });
})();
