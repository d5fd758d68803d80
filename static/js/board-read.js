// The results page's board: "Show on board" zooms the read-only whiteboard to the boxes and
// arrows a diagram check used (their element ids travel in data-show-on-board, never in text).
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-show-on-board]");
  const board = window.chalktalkWhiteboard;
  if (!button || !board) return;
  await board.ready;
  const ids = new Set(button.dataset.showOnBoard.split(" ").filter(Boolean));
  const elements = board.api
    .getSceneElements()
    .filter((element) => ids.has(element.id) || ids.has(element.containerId));
  if (!elements.length) return;
  board.api.updateScene({
    appState: { selectedElementIds: Object.fromEntries(elements.map((element) => [element.id, true])) },
  });
  board.api.scrollToContent(elements, { fitToContent: true, animate: true });
  document.querySelector("[data-board-card]")?.scrollIntoView({ behavior: "smooth", block: "start" });
});
