// The interview clock: shared by the practice page and both sides of a live interview.

/** Seconds -> `12:05`, or `1:02:05` past an hour. */
export function clockText(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

/** Draw the clock: `left` seconds (negative: over time); `label` overrides "Time left". */
export function renderClock(clockNode, left, total, label = null) {
  const labelNode = clockNode.querySelector("[data-clock-label]");
  if (left >= 0) {
    labelNode.textContent = label || "Time left";
    clockNode.querySelector("[data-clock-value]").textContent = clockText(left);
  } else {
    labelNode.textContent = label || "Over time";
    clockNode.querySelector("[data-clock-value]").textContent = `+${clockText(-left)}`;
  }
  clockNode.querySelector("[data-clock-bar]").style.width = `${Math.max(0, Math.min(100, (left / total) * 100))}%`;
  clockNode.classList.toggle("clock--low", left < 300 && left >= 0);
  clockNode.classList.toggle("clock--over", left < 0);
}
