// Bench-only entry: the CLI, bundled from src/ when dist/ is absent (e.g. mid-rebuild).
import '../src/cli.js';
