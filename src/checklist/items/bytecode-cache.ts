/** `bytecode-cache`: stale `__pycache__` / `*.pyc` cannot run old code (README's checklist). */
import { clearBytecode } from '../bytecode.js';
import { fail, pass, skip, type ChecklistItem } from '../item.js';

export const bytecodeCache: ChecklistItem = {
  id: 'bytecode-cache',
  title: 'Python bytecode cache cleared',
  startedBackendOnly: true,
  async run(service) {
    if (!service.config.clearBytecode) return skip('disabled (clear-bytecode: false)');
    const result = await clearBytecode(service.config.cwd);
    if (!result.hasPython) return skip('no Python source under the working directory');
    if (result.remaining.length > 0) {
      return fail(`${result.remaining.length} bytecode path(s) could not be removed`, {
        details: result.remaining.slice(0, 20),
      });
    }
    const { dirs, files } = result.removed;
    return pass(
      dirs + files === 0
        ? 'no bytecode cache was present'
        : `removed ${dirs} __pycache__ folder(s) and ${files} stray .pyc/.pyo file(s)`,
    );
  },
};
