/** anywidget entry point: wiring only. */
import type { RenderProps } from "@anywidget/types";
import { mount } from "./app";
import type { Traits } from "./protocol";

function render({ model, el }: RenderProps<Traits>): () => void {
  return mount(model, el);
}

export default { render };
