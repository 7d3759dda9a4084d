// The timesheet's totals follow what is typed (the server computes them again on saving).
const sheet = document.querySelector("form.work-sheet");

function hoursOf(text) {
  const value = text.trim().replace(",", ".");
  if (!value) return 0;
  if (value.includes(":")) {
    const parts = /^(\d{1,2}):([0-5]\d)$/.exec(value);
    return parts ? Number(parts[1]) + Number(parts[2]) / 60 : 0;
  }
  const hours = Number(value);
  return Number.isFinite(hours) && hours > 0 && hours <= 24 && (hours * 4) % 1 === 0 ? hours : 0;
}

function written(hours) {
  const lang = document.documentElement.lang || "fr";
  return new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(hours);
}

function recount() {
  const days = Array(7).fill(0);
  for (const row of sheet.querySelectorAll("table.sheet tbody tr")) {
    let total = 0;
    for (const cell of row.querySelectorAll("input.hours")) {
      const hours = hoursOf(cell.value);
      total += hours;
      days[Number(cell.dataset.day)] += hours;
    }
    row.querySelector("td.total").textContent = written(total);
  }
  days.forEach((hours, day) => {
    sheet.querySelector(`[data-day-total="${day}"]`).textContent = written(hours);
  });
  sheet.querySelector("[data-week-total]").textContent = written(days.reduce((a, b) => a + b, 0));
}

if (sheet) sheet.addEventListener("input", recount);
