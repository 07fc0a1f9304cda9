// The generated module that imports every bundled package's stylesheet (see rspack.config.cjs).
declare module "@distarray/lab-style";
