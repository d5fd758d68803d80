// The results page keeps each stage folded. A link to a stage (from "the changes that would raise
// your grade", the score bars or a #stage-… address) opens it first, and the read-only board is
// fitted to its content once its stage is open (it cannot measure itself while folded).
function openStage(id) {
  const section = document.getElementById(id);
  const fold = section?.querySelector("[data-stage-fold]");
  if (fold && !fold.open) fold.open = true;
  return section;
}

document.addEventListener("click", (event) => {
  const link = event.target.closest('a[href^="#stage-"]');
  if (!link) return;
  const section = openStage(link.getAttribute("href").slice(1));
  if (!section) return;
  event.preventDefault();
  history.replaceState(null, "", link.getAttribute("href"));
  section.scrollIntoView({ behavior: "smooth", block: "start" });
  section.querySelector("summary")?.focus({ preventScroll: true });
});

function openFromAddress() {
  const id = decodeURIComponent(location.hash.slice(1));
  if (id.startsWith("stage-")) openStage(id)?.scrollIntoView({ block: "start" });
  if (id === "board-read") openStage("stage-diagram");
}
window.addEventListener("hashchange", openFromAddress);
openFromAddress();

document.querySelectorAll("[data-stage-fold]").forEach((fold) =>
  fold.addEventListener("toggle", async () => {
    const board = window.chalktalkWhiteboard;
    if (!fold.open || !board || !fold.querySelector("#whiteboard")) return;
    await board.ready;
    window.dispatchEvent(new Event("resize"));
    requestAnimationFrame(() => board.api.scrollToContent(undefined, { fitToContent: true }));
  }),
);

// Excalidraw names its zoom button "Reset zoom" while it shows "87%": a speech-input user says
// what they see, so the name carries the visible text too (WCAG 2.5.3, axe label-content-name-mismatch).
function nameZoomButton(button) {
  const shown = button.textContent.trim();
  const name = shown ? `${shown} zoom, reset` : "Reset zoom";
  if (button.getAttribute("aria-label") !== name) button.setAttribute("aria-label", name);
}
new MutationObserver(() => document.querySelectorAll(".reset-zoom-button").forEach(nameZoomButton)).observe(
  document.body,
  { childList: true, subtree: true, characterData: true },
);
