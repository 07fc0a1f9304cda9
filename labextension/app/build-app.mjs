// Builds the JupyterLab app we serve into app/static/ with rspack:
//   node app/build-app.mjs [--mode production|development]
// The app is the module-federation host for prebuilt extensions: it shares JupyterLab's core
// packages (versions from @jupyterlab/core-meta, singletons as JupyterLab declares them)
// so a federated extension built with @jupyter/builder finds them.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { rspack } from "@rspack/core";
import { upToDate, writeStamp } from "./stale.mjs";

const require = createRequire(import.meta.url);
const { Build } = require("@jupyter/builder");
const miniSVGDataURI = require("mini-svg-data-uri");

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = join(here, "..");
const staticDir = join(here, "static");
const pkg = require(join(pkgDir, "package.json"));
const modeArg = process.argv.indexOf("--mode");
const mode = modeArg > 0 ? process.argv[modeArg + 1] : "production";
const stamp = join(staticDir, ".build-stamp");
const inputs = [
  join(pkgDir, "lib"),
  join(pkgDir, "style"),
  join(pkgDir, "package.json"),
  join(here, "build-app.mjs"),
  join(pkgDir, "..", "kernel", "dist", "plot"),
  join(pkgDir, "..", "package-lock.json"),
];
if (!process.argv.includes("--force") && upToDate(stamp, mode, inputs)) {
  console.log(`app (${mode}) is up to date: ${staticDir}`);
  process.exit(0);
}

// Every package whose schemas, themes and styles the app needs.
const extensionPackages = Object.keys(pkg.dependencies).filter(
  (name) => name.endsWith("-extension") || name === "@jupyter-widgets/jupyterlab-manager",
);
const assetConfigs = Build.ensureAssets({
  packageNames: extensionPackages,
  packagePaths: [pkgDir],
  output: staticDir,
});

/** Shared modules of the federation host, as JupyterLab's own build declares them. */
function sharedModules() {
  const core = require("@jupyterlab/core-meta/core.package.json");
  const singletons = new Set([...core.jupyterlab.singletonPackages, "@jupyter-widgets/base"]);
  const ranges = { ...core.resolutions, "@jupyter-widgets/base": "^6.0.0" };
  const shared = {};
  for (const [name, range] of Object.entries(ranges)) {
    let version;
    try {
      version = require(`${name}/package.json`).version;
    } catch {
      continue; // not installed: the app does not use it, so it cannot provide it
    }
    shared[name] = { requiredVersion: range, version, singleton: singletons.has(name) };
  }
  return shared;
}

const config = {
  mode,
  context: pkgDir,
  entry: { bundle: join(pkgDir, "lib", "app", "bootstrap.js") },
  output: {
    path: staticDir,
    filename: "[name].js",
    chunkFilename: "[name].[contenthash:8].js",
    publicPath: "auto",
  },
  devtool: false,
  bail: true,
  resolve: {
    alias: { "@distarray/lab-style$": join(staticDir, "style.js") },
    fallback: { path: false, fs: false, crypto: false },
  },
  module: {
    rules: [
      { test: /\.m?js$/, resolve: { fullySpecified: false } },
      {
        test: /\.css$/,
        exclude: /\.raw\.css$/,
        use: ["style-loader", "css-loader"],
        type: "javascript/auto",
      },
      { test: /\.raw\.css$/, type: "asset/source" },
      { test: /\.html$/, type: "asset/resource" },
      { test: /\.md$/, type: "asset/source" },
      { test: /\.txt$/, type: "asset/source" },
      { test: /\.(jpg|png|gif)$/, type: "asset/resource" },
      { test: /\.js\.map$/, type: "asset/resource" },
      { test: /\.(woff2?|ttf|eot)(\?v=\d+\.\d+\.\d+)?$/, type: "asset/resource" },
      {
        test: /\.svg(\?v=\d+\.\d+\.\d+)?$/,
        issuer: /\.css$/,
        type: "asset/inline",
        generator: {
          dataUrl: {
            content: (source) => miniSVGDataURI(source.content.toString()),
            mimetype: "image/svg+xml",
          },
        },
      },
      { test: /\.svg(\?v=\d+\.\d+\.\d+)?$/, issuer: /\.js$/, type: "asset/source" },
    ],
  },
  plugins: [
    new rspack.DefinePlugin({
      DISTARRAY_RENDERER_ORIGIN: JSON.stringify("bundled"),
      "process.env": "{}",
      "process.cwd": "(() => '/')",
    }),
    new rspack.container.ModuleFederationPluginV1({
      library: { type: "var", name: ["_JUPYTERLAB", "CORE_LIBRARY_FEDERATION"] },
      name: "CORE_FEDERATION",
      shared: sharedModules(),
    }),
  ],
  performance: { hints: false },
  stats: "errors-warnings",
};

const started = Date.now();
rspack([config, ...assetConfigs], (err, stats) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
  if (stats.hasErrors()) {
    console.error(stats.toString("errors-only"));
    process.exit(1);
  }
  writeStamp(stamp, mode);
  console.log(
    `app built (${mode}) in ${((Date.now() - started) / 1000).toFixed(1)} s: ${staticDir}`,
  );
});
