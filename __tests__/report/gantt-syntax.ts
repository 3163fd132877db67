/**
 * A strict reader of the Mermaid gantt subset the summary emits (no mermaid package here: it
 * needs a browser DOM). It accepts only: the ```mermaid fence, `gantt`, `dateFormat x`,
 * `axisFormat`, `todayMarker off`, `section NAME` and task lines `NAME :[tags, ]ID, START, END`
 * with millisecond numbers, START <= END, unique ids, tags from Mermaid's set (`milestone`:
 * START = END), and names Mermaid reads as plain text (no `:`, `;`, `#`, `%%`, no keyword
 * first).
 */
export interface GanttTask {
  section: string;
  name: string;
  tags: string[];
  id: string;
  startMs: number;
  endMs: number;
}

const TASK =
  /^ {4}([^:;#\n]+?) :((?:(?:done|active|crit|milestone), )*)([A-Za-z]\w*), (\d+), (\d+)$/;
const KEYWORD =
  /^(?:gantt|title|section|dateFormat|axisFormat|tickInterval|todayMarker|excludes|includes|weekday|weekend|inclusiveEndDates|topAxis|accTitle|accDescr|click|displayMode)\b/i;

/** The tasks of one ```mermaid gantt block; throws naming the first line it cannot read. */
export function readGantt(block: string): GanttTask[] {
  const lines = block.split('\n');
  const fail = (n: number, why: string): never => {
    throw new Error(`gantt line ${n + 1} (${JSON.stringify(lines[n])}): ${why}`);
  };
  if (lines[0] !== '```mermaid' || lines.at(-1) !== '```') fail(0, 'not a ```mermaid fence');
  if (lines[1] !== 'gantt') fail(1, 'the diagram does not start with gantt');
  if (!lines.includes('    dateFormat x')) fail(1, 'no dateFormat x (millisecond times)');
  const tasks: GanttTask[] = [];
  let section = '';
  for (let n = 2; n < lines.length - 1; n++) {
    const line = lines[n]!;
    if (/^ {4}(?:dateFormat x|axisFormat [%\w:. ]+|todayMarker off)$/.test(line)) continue;
    const header = /^ {4}section ([^:;#\n]+)$/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    const task = TASK.exec(line);
    if (!task) fail(n, 'not a directive, section or task');
    const [, name, tagText, id, start, end] = task!;
    if (KEYWORD.test(name!) || name!.includes('%%') || name!.trim() !== name)
      fail(n, 'a task name Mermaid would not read as text');
    if (section === '') fail(n, 'a task before any section');
    const tags = tagText!.split(', ').filter(Boolean);
    if (new Set(tags).size !== tags.length) fail(n, 'a tag given twice');
    if (tasks.some((t) => t.id === id)) fail(n, `task id ${id} used twice`);
    const [startMs, endMs] = [Number(start), Number(end)];
    if (startMs > endMs) fail(n, 'ends before it starts');
    if (tags.includes('milestone') && startMs !== endMs) fail(n, 'a milestone with a length');
    tasks.push({ section, name: name!, tags, id: id!, startMs, endMs });
  }
  return tasks;
}
