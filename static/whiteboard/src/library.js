// The ML components: one labelled rounded rectangle per ML-system component, in a colour
// family per group. Built at runtime with Excalidraw's own converter (the label becomes a text
// element bound to its rectangle), after the Excalifont font has loaded so labels measure right.

export const ITEM_WIDTH = 200;
export const ITEM_HEIGHT = 70;
export const LABEL_FONT_SIZE = 20;
export const LABEL_FONT_FAMILY = 5; // FONT_FAMILY.Excalifont, Excalidraw's default hand-drawn font

export const GROUPS = {
  data: { strokeColor: "#1971c2", backgroundColor: "#a5d8ff" }, // blue
  ml: { strokeColor: "#6741d9", backgroundColor: "#d0bfff" }, // violet
  serving: { strokeColor: "#2f9e44", backgroundColor: "#b2f2bb" }, // green
  infra: { strokeColor: "#495057", backgroundColor: "#e9ecef" }, // grey
};

export const COMPONENTS = [
  ["client", "Client", "serving"],
  ["load-balancer", "Load balancer", "infra"],
  ["event-stream", "Event stream", "data"],
  ["stream-processing", "Stream processing", "data"],
  ["data-lake", "Data lake", "data"],
  ["batch-etl", "Batch ETL", "data"],
  ["labeling", "Labeling", "data"],
  ["data-validation", "Data validation", "data"],
  ["feature-store", "Feature store", "data"],
  ["training-pipeline", "Training pipeline", "ml"],
  ["model-registry", "Model registry", "ml"],
  ["model-serving", "Model serving", "serving"],
  ["candidate-generation", "Candidate generation", "ml"],
  ["ranking", "Ranking", "ml"],
  ["re-ranking", "Re-ranking", "ml"],
  ["ann-index", "ANN index", "serving"],
  ["search-index", "Search index", "serving"],
  ["cache", "Cache", "serving"],
  ["experimentation", "Experimentation (A/B split)", "infra"],
  ["monitoring", "Monitoring", "infra"],
  ["logging", "Logging", "infra"],
];

/** Every character the labels use, to load the matching font subsets before measuring. */
export const LABEL_CHARACTERS = [...new Set(COMPONENTS.map(([, label]) => label).join(""))].join("");

const CREATED = Date.UTC(2025, 0, 1);

/**
 * One component as an Excalidraw library item, its rectangle's top-left at `at` (fresh ids every
 * call). `convertToExcalidrawElements` is Excalidraw's skeleton converter.
 */
export function buildLibraryItem(convertToExcalidrawElements, slug, at = { x: 0, y: 0 }) {
  const [, label, group] = COMPONENTS.find(([s]) => s === slug);
  const { strokeColor, backgroundColor } = GROUPS[group];
  const elements = convertToExcalidrawElements(
    [
      {
        type: "rectangle",
        x: at.x,
        y: at.y,
        width: ITEM_WIDTH,
        height: ITEM_HEIGHT,
        strokeColor,
        backgroundColor,
        fillStyle: "solid",
        strokeWidth: 2,
        roughness: 1,
        roundness: { type: 3 }, // ROUNDNESS.ADAPTIVE_RADIUS
        customData: { chalktalkComponent: slug, group },
        label: {
          text: label,
          fontSize: LABEL_FONT_SIZE,
          fontFamily: LABEL_FONT_FAMILY,
          strokeColor: "#1e1e1e",
          textAlign: "center",
          verticalAlign: "middle",
        },
      },
    ],
    { regenerateIds: true },
  );
  return { id: `chalktalk-${slug}`, status: "unpublished", created: CREATED, name: label, elements };
}
