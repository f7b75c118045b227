// Extra rspack config merged by jupyter-builder (package.json "jupyterlab.webpackConfig").
//
// Why: jupyter-builder hands module federation the *absolute* path of lib/index.js
// in `exposes`, and rspack's default `deterministic` module ids hash the container
// entry module's identifier, path included. So the same commit built in two folders
// gave remoteEntry.*.js different module ids (e.g. 545 vs 971) and different hashes.
// `natural` ids number modules by their order in the module graph, which depends on
// the sources only, so wheels built from any checkout folder carry byte-identical
// front ends (tests/test_packaging.py builds in two folders and compares).
module.exports = {
  // Paths in chunk ids are taken relative to this folder, whatever the cwd of the build.
  context: __dirname,
  optimization: { moduleIds: 'natural' }
};
