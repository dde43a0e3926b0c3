// Vite plugin: writes a brotli (.br) and a gzip (.gz) copy beside every text asset of the
// UI build, so the server sends compressed bytes without compressing per request
// (koa-static picks the .br or .gz file by the request's Accept-Encoding).
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';

const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|txt|map)$/;
/** Below this the headers outweigh what compression saves. */
const MIN_BYTES = 1024;
/** Brotli 10 is within 2 % of 11 on these bundles at under half the build time. */
const BROTLI_QUALITY = 10;
const br = promisify(brotliCompress);
const gz = promisify(gzip);

export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'switchyard:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async writeBundle(_options, bundle) {
      await Promise.all(Object.keys(bundle).filter((name) => COMPRESSIBLE.test(name)).map(async (name) => {
        const file = join(outDir, name);
        const data = await readFile(file);
        // The output folder is not emptied between builds: drop copies an earlier build left.
        if (data.length < MIN_BYTES) return void (await Promise.all([rm(`${file}.br`, { force: true }), rm(`${file}.gz`, { force: true })]));
        await writeFile(`${file}.br`, await br(data, { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } }));
        await writeFile(`${file}.gz`, await gz(data, { level: 9 }));
      }));
    },
  };
}
