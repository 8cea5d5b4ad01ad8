// Bundles the widget into the Python package: src/index.ts -> ../src/nb_feedback/static/widget.js
// and src/widget.css -> ../src/nb_feedback/static/widget.css. `--watch` rebuilds on change.
import * as esbuild from "esbuild";

const outdir = "../src/nb_feedback/static";
const watch = process.argv.includes("--watch");

const common = {
  bundle: true,
  minify: !watch,
  target: "es2020",
  logLevel: "info",
  legalComments: "none",
};

const targets = [
  {
    ...common,
    entryPoints: ["src/index.ts"],
    outfile: `${outdir}/widget.js`,
    format: "esm",
    sourcemap: watch ? "inline" : false,
  },
  { ...common, entryPoints: ["src/widget.css"], outfile: `${outdir}/widget.css` },
];

if (watch) {
  for (const options of targets) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
} else {
  await Promise.all(targets.map((options) => esbuild.build(options)));
}
