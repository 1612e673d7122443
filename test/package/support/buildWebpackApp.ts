import webpack from 'webpack';

/**
 * A production webpack build of the fixture's testApi.js through webpack's
 * Node API, with webpack's defaults otherwise (no loaders, no plugins): the
 * bundle lands in public/dist/, beside the static public/index.html that
 * loads it.
 */
export async function buildWebpackApp(appDir: string): Promise<void> {
  const compiler = webpack({
    mode: 'production',
    context: appDir,
    entry: './testApi.js',
    output: { path: `${appDir}/public/dist`, clean: true },
    // Size hints are about the app, not the package.
    performance: { hints: false },
    // Production mode still (tree shaking, chunking, worker and URL handling),
    // but no terser: on two cores it costs ~35 s of the run, and it only
    // rewrites code after webpack has found and emitted the workers.
    optimization: { minimize: false },
  });
  const stats = await new Promise<webpack.Stats | undefined>((resolve, reject) => {
    compiler.run((error, result) => (error ? reject(error) : resolve(result)));
  });
  await new Promise<void>((resolve, reject) => compiler.close((error) => (error ? reject(error) : resolve())));
  if (!stats || stats.hasErrors()) {
    throw new Error(`webpack could not build an app that imports volume-cache:\n${stats?.toString({ all: false, errors: true }) ?? 'no stats'}`);
  }
}
