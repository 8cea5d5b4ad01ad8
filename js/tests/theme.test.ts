import { afterEach, describe, expect, it } from "vitest";
import { contrast, DARK, hostIsDark, LIGHT, textPairs } from "../src/theme";
import { mountWidget } from "./helpers";

afterEach(() => {
  document.body.removeAttribute("data-jp-theme-light");
  document.documentElement.className = "";
  document.body.className = "";
  document.documentElement.removeAttribute("data-theme");
});

describe("themes", () => {
  it.each([
    ["light", LIGHT],
    ["dark", DARK],
  ])("every text colour of the %s palette has a contrast of at least 4.5:1", (_, palette) => {
    for (const [what, fg, bg] of textPairs(palette)) {
      expect(contrast(fg, bg), `${what}: ${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
    }
  });

  it("computes WCAG contrast", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrast("#ffffff", "#319bf2")).toBeLessThan(3); // the old dark Submit button
  });

  it("follows the host's theme: JupyterLab, marimo's dark class, data-theme", async () => {
    expect(hostIsDark()).toBeNull();
    document.body.setAttribute("data-jp-theme-light", "false");
    expect(hostIsDark()).toBe(true);
    document.body.removeAttribute("data-jp-theme-light");
    document.documentElement.classList.add("dark");
    expect(hostIsDark()).toBe(true);
    document.documentElement.className = "";
    document.documentElement.setAttribute("data-theme", "light");
    expect(hostIsDark()).toBe(false);

    const { q } = mountWidget();
    const root = q("nbf-root");
    expect(root.dataset.nbfTheme).toBe("light");
    expect(root.style.getPropertyValue("--nbf-p-primary-bg")).toBe(LIGHT.primaryBg);
    document.documentElement.setAttribute("data-theme", "dark"); // the host switches
    await new Promise((r) => setTimeout(r, 0)); // mutation observers run after a task
    expect(root.dataset.nbfTheme).toBe("dark");
    expect(root.style.getPropertyValue("--nbf-p-bg")).toBe(DARK.bg);
  });
});
