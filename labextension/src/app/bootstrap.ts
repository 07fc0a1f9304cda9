// The app's entry chunk. Module federation needs an asynchronous boundary before any shared
// package is used, so this file imports nothing synchronously; it only sets the public path
// (from the page config the server wrote into the page) before any asset loads.
// biome-ignore lint/style/useConst: the bundler's runtime reads this variable after we assign it
declare let __webpack_public_path__: string;

const configScript = document.getElementById("jupyter-config-data");
const pageConfig = JSON.parse(configScript?.textContent ?? "{}") as { fullStaticUrl?: string };
__webpack_public_path__ = `${pageConfig.fullStaticUrl ?? "/static"}/`;

void import("./main.js");
