"""The interview's stages: fixed keys, labels and the default 45-minute budget."""

from __future__ import annotations

# The one place the stage order is written: key, label, default minutes (45 in all).
_STAGE_TABLE: tuple[tuple[str, str, int], ...] = (
    ("goals", "Clarify goals & scope", 6),
    ("data", "Data collection & processing", 7),
    ("features", "Feature engineering", 7),
    ("model", "Model development & training", 10),
    ("serving", "Prediction service & deployment", 8),
    ("online", "Online testing & evaluation", 7),
)
STAGES: tuple[str, ...] = tuple(key for key, _, _ in _STAGE_TABLE)
# Cross-cutting criteria (scalability, trade-offs) are graded over every stage.
CROSS_CUTTING = "scale"
GRADED_STAGES: tuple[str, ...] = (*STAGES, CROSS_CUTTING)
# Diagram criteria read the whiteboard; they are reported beside the stages.
DIAGRAM = "diagram"

STAGE_LABELS: dict[str, str] = {
    **{key: label for key, label, _ in _STAGE_TABLE},
    CROSS_CUTTING: "Scalability & trade-offs",
    DIAGRAM: "System diagram",
}

DEFAULT_BUDGET_MINUTES: dict[str, int] = {key: minutes for key, _, minutes in _STAGE_TABLE}

COMPETENCY_LABELS: dict[str, str] = {
    "problem-solving": "Problem solving",
    "system-design": "System design",
    "ml-knowledge": "ML knowledge",
    "data-engineering": "Data engineering",
    "communication": "Communication",
    "trade-off-analysis": "Trade-off analysis",
}

COMPETENCIES: tuple[str, ...] = tuple(COMPETENCY_LABELS)
