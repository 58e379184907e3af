#!/usr/bin/env node
import module from 'node:module';
module.enableCompileCache?.();
const { main } = await import('../bundle/cli.js');
process.exitCode = await main(process.argv);
