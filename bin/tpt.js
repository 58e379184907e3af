#!/usr/bin/env node
import module from 'node:module';
module.enableCompileCache?.();
if (process.argv[2] === '__complete') {
  // Shell completion asks for ids on every TAB: a small entry of its own, never the whole program.
  const { complete } = await import('../bundle/complete.js');
  complete(process.argv);
} else {
  const { main } = await import('../bundle/cli.js');
  process.exitCode = await main(process.argv);
}
