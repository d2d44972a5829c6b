// A page that prints (the quarter, a briefing pack): its print button, and every folded part opened for printing.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});

const folded = [];
window.addEventListener("beforeprint", () => {
  document.querySelectorAll("details.print-open:not([open])").forEach((details) => {
    details.open = true;
    folded.push(details);
  });
});
window.addEventListener("afterprint", () => {
  folded.splice(0).forEach((details) => {
    details.open = false;
  });
});
