// The header's menu on a phone: the links fold behind one button (CSS shows them inline on wider
// screens). Without this script the links simply stay visible.
const toggle = document.querySelector("[data-menu-toggle]");
const topbar = toggle?.closest(".topbar");

function setOpen(open) {
  toggle.setAttribute("aria-expanded", String(open));
  topbar.classList.toggle("is-menu-open", open);
}

if (toggle && topbar) {
  topbar.classList.add("has-menu");
  toggle.addEventListener("click", () => setOpen(toggle.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && topbar.classList.contains("is-menu-open")) {
      setOpen(false);
      toggle.focus();
    }
  });
}
