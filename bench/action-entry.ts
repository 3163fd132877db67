// Bench-only entry: the action, bundled from src/ only to measure its size (never run).
import '../src/index.js';
