// Solo follow-ups asked as the candidate finishes a stage: "Next stage →" or "Finish and submit"
// first saves, then lets the interviewer ask one probe about the stage (the server decides whether
// there is one). Pressing the button again moves on, so every probe can be skipped.
import { $, csrfToken } from "./dom.js";

export function setUpFollowUps({ state, stageKeys, flushAll }) {
  if (state.live) return; // a live interviewer asks their own questions
  const answered = new Set(); // stages whose probe was just asked: the next press moves on
  let passing = null;

  document.addEventListener(
    "click",
    async (event) => {
      const button = event.target.closest("[data-go], [data-open-submit]");
      const panel = button?.closest("[data-stage-panel]");
      if (!panel || button === passing) return;
      const stage = panel.dataset.stagePanel;
      const backwards = button.dataset.go !== undefined && Number(button.dataset.go) < stageKeys.indexOf(stage);
      if (backwards || answered.delete(stage)) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      if (button.getAttribute("aria-busy") === "true") return;
      button.setAttribute("aria-busy", "true");
      let asked = false;
      try {
        asked = await askOnFinish(stage);
      } finally {
        button.removeAttribute("aria-busy");
      }
      if (asked) {
        answered.add(stage);
        return;
      }
      passing = button;
      button.click();
      passing = null;
    },
    true,
  );

  /** True when the interviewer asked a probe (now shown in the stage's thread). */
  async function askOnFinish(stage) {
    if (!(await flushAll())) return false; // offline: the probe would read an old answer
    let response;
    try {
      response = await fetch(state.followUpUrl.replace("__stage__", stage), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": csrfToken(), "HX-Request": "true" },
        body: "auto=1",
      });
    } catch {
      return false;
    }
    if (response.status !== 200) return false;
    const thread = $(`#follow-ups-${stage}`);
    thread.outerHTML = await response.text();
    const fresh = $(`#follow-ups-${stage}`);
    window.htmx?.process(fresh);
    const replies = fresh.querySelectorAll("textarea");
    replies[replies.length - 1]?.focus();
    return true;
  }
}
