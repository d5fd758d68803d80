// The ML component palette beside the canvas: readable tiles that stay open while you drag
// several of them onto the board (Excalidraw's own library closes after each drop and covers the
// canvas). A tile is dragged as Excalidraw library data, so Excalidraw places it under the
// pointer; a click or Enter adds it in the middle of the view (keyboard access).
import { useState } from "react";
import { CaptureUpdateAction, MIME_TYPES, serializeLibraryAsJSON } from "@excalidraw/excalidraw";
import { COMPONENTS, GROUPS, ITEM_HEIGHT, ITEM_WIDTH, buildLibraryItem } from "./library.js";

const GROUP_NAMES = { data: "Data", ml: "Modelling", serving: "Serving", infra: "Infrastructure" };
const STEP = 24; // successive clicks fan out instead of stacking on one spot
let addedByClick = 0;

/** Add component `slug` centred in the current view, selected; undo removes it. */
export function addComponent(api, convert, slug, nth = 0) {
  const { scrollX, scrollY, zoom, width, height } = api.getAppState();
  const x = -scrollX + width / 2 / zoom.value - ITEM_WIDTH / 2 + (nth % 6) * STEP;
  const y = -scrollY + height / 2 / zoom.value - ITEM_HEIGHT / 2 + (nth % 6) * STEP;
  const added = buildLibraryItem(convert, slug, { x, y }).elements;
  const shape = added.find((el) => el.type === "rectangle");
  api.updateScene({
    elements: [...api.getSceneElementsIncludingDeleted(), ...added],
    appState: { selectedElementIds: { [shape.id]: true } },
    captureUpdate: CaptureUpdateAction.IMMEDIATELY,
  });
  return shape;
}

export function ComponentPalette({ getApi, convert }) {
  const [open, setOpen] = useState(true);
  const groups = Object.keys(GROUPS).map((group) => [group, COMPONENTS.filter(([, , g]) => g === group)]);
  const toggle = (
    <button
      type="button"
      className="ct-palette__toggle"
      aria-expanded={open}
      aria-controls="ct-palette-items"
      title={open ? "Hide the components (more room to draw)" : "Show the ML components"}
      onClick={() => setOpen(!open)}
    >
      {open ? "Hide" : "ML components"}
    </button>
  );
  if (!open) {
    return <aside className="ct-palette ct-palette--closed" aria-label="ML components">{toggle}</aside>;
  }
  return (
    <aside className="ct-palette" aria-labelledby="ct-palette-title" id="ct-palette-items">
      <div className="ct-palette__head">
        <h3 className="ct-palette__title" id="ct-palette-title">ML components</h3>
        {toggle}
      </div>
      <p className="ct-palette__help">Drag onto the board, or press to add.</p>
      {groups.map(([group, items]) => (
        <div className="ct-palette__group" key={group}>
          <h4 className="ct-palette__group-name">{GROUP_NAMES[group]}</h4>
          <ul>
            {items.map(([slug, label]) => (
              <li key={slug}>
                <button
                  type="button"
                  draggable="true"
                  className={`ct-palette__item ct-palette__item--${group}`}
                  data-component={slug}
                  title={`Add “${label}” to the board`}
                  onDragStart={(event) => {
                    const item = buildLibraryItem(convert, slug);
                    event.dataTransfer.setData(MIME_TYPES.excalidrawlib, serializeLibraryAsJSON([item]));
                    event.dataTransfer.effectAllowed = "copy";
                  }}
                  onClick={() => {
                    const api = getApi();
                    if (api) addComponent(api, convert, slug, addedByClick++);
                  }}
                >
                  {label}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </aside>
  );
}
