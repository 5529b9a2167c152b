#!/usr/bin/env node
'use strict';
// The Service Reach language server: `service-reach-lsp --stdio` (also --node-ipc, --socket=PORT).
require('../out/server/src/lsp/main.js').start();
