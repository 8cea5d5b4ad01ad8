/** The view's colours. The host's own text and background colours are used where it has them
 * (JupyterLab, VS Code); every colour drawn on them (muted text, status, links, the primary
 * button) comes from these palettes, each pair checked for a contrast of at least 4.5:1 in
 * tests. The palette follows the host's theme: JupyterLab's, VS Code's, marimo's (a `dark`
 * class or `data-theme` on <html>/<body>), else the system's. */

export interface Palette {
  bg: string;
  bgAlt: string;
  fg: string;
  muted: string;
  border: string;
  primaryBg: string;
  primaryFg: string;
  link: string;
  success: string;
  warn: string;
  error: string;
}

export const LIGHT: Palette = {
  bg: "#ffffff",
  bgAlt: "#f6f8fa",
  fg: "#1f2328",
  muted: "#57606a",
  border: "#d1d9e0",
  primaryBg: "#0b5fcc",
  primaryFg: "#ffffff",
  link: "#0a5ac2",
  success: "#1a7f37",
  warn: "#8a5a00",
  error: "#c4202b",
};

export const DARK: Palette = {
  bg: "#0d1117",
  bgAlt: "#161b22",
  fg: "#e6edf3",
  muted: "#9aa3ad",
  border: "#3d444d",
  primaryBg: "#58a6ff",
  primaryFg: "#0d1117",
  link: "#6cb2ff",
  success: "#3fb950",
  warn: "#d29922",
  error: "#ff6b61",
};

/** The text colours of a palette and the backgrounds each is drawn on. */
export function textPairs(p: Palette): [string, string, string][] {
  const pairs: [string, string, string][] = [];
  for (const bg of ["bg", "bgAlt"] as const) {
    for (const fg of ["fg", "muted", "link", "success", "warn", "error"] as const) {
      pairs.push([`${fg} on ${bg}`, p[fg], p[bg]]);
    }
  }
  pairs.push(["primary button", p.primaryFg, p.primaryBg]);
  return pairs;
}

function channel(c: number): number {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of #rrggbb. */
export function luminance(hex: string): number {
  const n = Number.parseInt(hex.slice(1), 16);
  return (
    0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255)
  );
}

export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((m, n) => n - m) as [number, number];
  return (x + 0.05) / (y + 0.05);
}

/** True or false when the host says which theme it shows; null when it does not. */
export function hostIsDark(doc: Document = document): boolean | null {
  const body = doc.body;
  const jp = body?.getAttribute("data-jp-theme-light");
  if (jp === "true" || jp === "false") return jp === "false";
  if (body?.classList.contains("vscode-dark") || body?.classList.contains("vscode-high-contrast")) {
    return true;
  }
  if (body?.classList.contains("vscode-light")) return false;
  for (const node of [doc.documentElement, body]) {
    if (!node) continue;
    const theme = node.getAttribute("data-theme");
    if (
      node.classList.contains("dark") ||
      node.classList.contains("dark-theme") ||
      theme === "dark"
    ) {
      return true;
    }
    if (
      node.classList.contains("light") ||
      node.classList.contains("light-theme") ||
      theme === "light"
    ) {
      return false;
    }
  }
  return null;
}

function systemIsDark(): boolean {
  return globalThis.matchMedia?.("(prefers-color-scheme: dark)").matches ?? false;
}

/** Sets the palette on `root` now and whenever the host switches theme; returns a stop. */
export function followTheme(root: HTMLElement): () => void {
  const apply = () => {
    const dark = hostIsDark() ?? systemIsDark();
    const p = dark ? DARK : LIGHT;
    root.dataset.nbfTheme = dark ? "dark" : "light";
    for (const [key, value] of Object.entries(p)) {
      root.style.setProperty(
        `--nbf-p-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
        value,
      );
    }
  };
  apply();
  const observer = new MutationObserver(apply);
  for (const node of [document.documentElement, document.body]) {
    if (node) {
      observer.observe(node, {
        attributes: true,
        attributeFilter: ["class", "data-theme", "data-jp-theme-light"],
      });
    }
  }
  const media = globalThis.matchMedia?.("(prefers-color-scheme: dark)");
  media?.addEventListener?.("change", apply);
  return () => {
    observer.disconnect();
    media?.removeEventListener?.("change", apply);
  };
}
