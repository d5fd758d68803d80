// The practice page's layout: stages as tabs on a phone or beside the large board, and the
// "Large board" toggle (remembered in this browser). The board is zoomed to fit after each change.
import { $ } from "./dom.js";

const LAYOUT_KEY = "chalktalk:practice-layout";
const phone = window.matchMedia("(max-width: 820px)");

/** The large board unless this browser chose "side by side". */
function storedLarge() {
  try {
    return localStorage.getItem(LAYOUT_KEY) !== "split";
  } catch {
    return true;
  }
}

export function setUpLayout() {
  const main = $("#main");
  const nav = $(".stage-nav");
  const toggle = $("[data-layout-toggle]");
  let large = storedLarge();

  const apply = () => {
    const boardLayout = large && !phone.matches;
    main.classList.toggle("is-board-layout", boardLayout);
    nav?.classList.toggle("stage-nav--tabs", boardLayout || phone.matches);
    if (toggle) {
      toggle.setAttribute("aria-pressed", String(boardLayout));
      toggle.textContent = boardLayout ? "Side by side" : "Large board";
    }
    window.chalktalkWhiteboard?.zoomToFit();
  };

  toggle?.addEventListener("click", () => {
    large = !large;
    try {
      localStorage.setItem(LAYOUT_KEY, large ? "board" : "split");
    } catch {
      // private mode: the choice lasts for this page only
    }
    apply();
  });
  phone.addEventListener("change", apply);
  apply();
}
