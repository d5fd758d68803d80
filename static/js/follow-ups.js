// Solo follow-ups asked as the candidate finishes a stage: "Next stage →" or "Finish and submit"
// first saves, then lets the interviewer ask one probe about the stage (the server decides whether
// there is one). Pressing the button again moves on, so every probe can be skipped.
import { $, csrfToken } from "./dom.js";

export function setUpFollowUps({ state, stageKeys, flushAll, currentStage }) {
  if (state.followsInterviewer) return; // a live interviewer asks their own questions
  if (state.curveball) awaitCurveball(state.curveball, currentStage);
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
    const thread = await postForThread(state.followUpUrl.replace("__stage__", stage), "auto=1", stage);
    if (!thread) return false;
    const replies = thread.querySelectorAll("textarea");
    replies[replies.length - 1]?.focus();
    return true;
  }
}

/** POST, and swap in the stage's thread the server answers with (null: nothing was asked). */
async function postForThread(url, body, stage) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": csrfToken(), "HX-Request": "true" },
      body,
    });
  } catch {
    return null;
  }
  if (response.status !== 200) return null;
  $(`#follow-ups-${stage}`).outerHTML = await response.text();
  const fresh = $(`#follow-ups-${stage}`);
  window.htmx?.process(fresh);
  return fresh;
}

// --- realistic mode: the curveball arrives once, at its minute of the clock ---------------------

// The server decides on the interview clock; after a pause it refuses until the minute comes, and
// the page simply asks again a few seconds later.
function awaitCurveball({ url, dueInSeconds }, currentStage) {
  let due = Date.now() + dueInSeconds * 1000;
  let asking = false;
  const timer = setInterval(async () => {
    if (asking || Date.now() < due) return;
    asking = true;
    const stage = currentStage();
    const thread = await postForThread(url, `stage=${encodeURIComponent(stage)}`, stage);
    asking = false;
    if (!thread) {
      due = Date.now() + 5000; // offline, paused or refused: asked again shortly
      return;
    }
    clearInterval(timer);
    const change = thread.querySelector(".follow-up--curveball .follow-up__text")?.textContent || "";
    showBanner(change, $(`[data-stage-button="${stage}"] .stage-nav__name`).textContent);
  }, 1000);
}

function showBanner(change, stageName) {
  const banner = document.createElement("section");
  banner.className = "curveball-banner";
  banner.setAttribute("role", "alert");
  banner.setAttribute("data-curveball-banner", "");
  const title = document.createElement("h2");
  title.textContent = "The requirements just changed";
  const text = document.createElement("p");
  text.textContent = change;
  const where = document.createElement("p");
  where.className = "small";
  where.textContent = `Answer it in the thread under “${stageName}”; how your design adapts is graded.`;
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "btn btn--sm";
  dismiss.textContent = "Got it";
  dismiss.addEventListener("click", () => banner.remove());
  banner.append(title, text, where, dismiss);
  $(".practice").before(banner);
}
