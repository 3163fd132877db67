// Bench-only entry: the Linux inventory, bundled with ncc so the benchmark calls it in-process
// exactly as the product does.
export { listListeners } from '../src/platform/linux/listeners.js';
export { readListenRows } from '../src/platform/linux/listen-table.js';
export { findSocketHolders } from '../src/platform/linux/socket-holders.js';
export { listeningSocketIds } from '../src/platform/linux/socket-ids.js';
