// Merged by @jupyter/builder into the prebuilt (federated) extension's rspack config.
const { rspack } = require("@rspack/core");

module.exports = {
  module: { rules: [{ test: /\.m?js$/, resolve: { fullySpecified: false } }] },
  plugins: [new rspack.DefinePlugin({ DISTARRAY_RENDERER_ORIGIN: JSON.stringify("federated") })],
};
