"""The interview's stages: fixed keys, labels and the default 45-minute budget."""

from __future__ import annotations

STAGES: tuple[str, ...] = ("goals", "data", "features", "model", "serving", "online")
# Cross-cutting criteria (scalability, trade-offs) are graded over every stage.
CROSS_CUTTING = "scale"
GRADED_STAGES: tuple[str, ...] = (*STAGES, CROSS_CUTTING)
# Diagram criteria read the whiteboard; they are reported beside the stages.
DIAGRAM = "diagram"

STAGE_LABELS: dict[str, str] = {
    "goals": "Clarify goals & scope",
    "data": "Data collection & processing",
    "features": "Feature engineering",
    "model": "Model development & training",
    "serving": "Prediction service & deployment",
    "online": "Online testing & evaluation",
    "scale": "Scalability & trade-offs",
    "diagram": "System diagram",
}

DEFAULT_BUDGET_MINUTES: dict[str, int] = {
    "goals": 6,
    "data": 7,
    "features": 7,
    "model": 10,
    "serving": 8,
    "online": 7,
}

COMPETENCY_LABELS: dict[str, str] = {
    "problem-solving": "Problem solving",
    "system-design": "System design",
    "ml-knowledge": "ML knowledge",
    "data-engineering": "Data engineering",
    "communication": "Communication",
    "trade-off-analysis": "Trade-off analysis",
}

COMPETENCIES: tuple[str, ...] = (
    "problem-solving",
    "system-design",
    "ml-knowledge",
    "data-engineering",
    "communication",
    "trade-off-analysis",
)
