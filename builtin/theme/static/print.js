// The print edition's button: opens the browser's print dialog, where "Save as PDF" is one of
// the printers. Without script the button stays hidden and the hint beside it says what to do.
const button = document.querySelector("[data-print]");
if (button) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
