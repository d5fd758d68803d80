// "Print / PDF": open every collapsed answer first so the printout holds the whole review.
document.querySelectorAll("[data-print]").forEach((button) =>
  button.addEventListener("click", () => {
    document.querySelectorAll("details").forEach((d) => (d.open = true));
    window.print();
  }),
);
