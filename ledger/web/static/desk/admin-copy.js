// A new token's secret: copy it with one press (the page shows it only once).
const button = document.getElementById("copy");
const status = document.getElementById("copy-status");

async function copy() {
  const field = document.getElementById(button.dataset.copy);
  try {
    await navigator.clipboard.writeText(field.value);
    status.textContent = button.dataset.done;
  } catch {
    field.select(); // no clipboard here (an address without https): selected, to copy by hand
    status.textContent = button.dataset.failed;
  }
}

if (button && status) button.addEventListener("click", copy);
