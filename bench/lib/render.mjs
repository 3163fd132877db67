// Result sections → a terminal report and the markdown of docs/benchmarks.md.
// A section: { id, title, rows: [{ tool, stats, role: ours|peer|floor|detail, note? }],
//              target: { text, met, ratio? }, notes: [] }.
import { ms, ratio } from './stats.mjs';

const ours = (section) => section.rows.find((r) => r.role === 'ours');
const verdict = (met) => (met ? 'met' : 'missed');

function peersText(section, sep) {
  const o = ours(section);
  return section.rows
    .filter((r) => r.role === 'peer' || r.role === 'floor')
    .map(
      (r) =>
        `${r.tool.replace(/ \(.*\)$/, '')} ${ms(r.stats.median)} (${ratio(o.stats.median, r.stats.median)})`,
    )
    .join(sep);
}

function oursText(section) {
  const s = ours(section).stats;
  return `${ms(s.median)} (${ms(s.min)}–${ms(s.max)})`;
}

export function renderText(sections) {
  const lines = [];
  for (const section of sections) {
    const o = ours(section);
    lines.push('', section.title);
    for (const r of section.rows) {
      const rel =
        r.role === 'peer' || r.role === 'floor'
          ? `ours ÷ this ${ratio(o.stats.median, r.stats.median)}`
          : '';
      const s = r.stats;
      lines.push(
        `  ${r.tool.padEnd(62)} median ${ms(s.median).padStart(9)}  p90 ${ms(s.p90).padStart(9)}  min ${ms(s.min).padStart(9)}  max ${ms(s.max).padStart(9)}  ${rel}${r.note ? `  ${r.note}` : ''}`,
      );
    }
    lines.push(`  target: ${section.target.text} → ${verdict(section.target.met).toUpperCase()}`);
    for (const n of section.notes) lines.push(`  note: ${n}`);
  }
  return lines.join('\n');
}

const cell = (text) => String(text).replace(/\|/g, '\\|');

export function renderSummary(sections) {
  const rows = sections.map(
    (s) =>
      `| ${cell(s.title)} | ${oursText(s)} | ${cell(peersText(s, '; ') || '—')} | ${cell(s.target.text)} | **${verdict(s.target.met)}** |`,
  );
  return [
    '| figure | ours: median (min–max) | peers: median (ours ÷ peer) | target | |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

export function renderSection(section) {
  const o = ours(section);
  const rows = section.rows.map((r) => {
    const s = r.stats;
    const rel = r.role === 'peer' || r.role === 'floor' ? ratio(o.stats.median, s.median) : '';
    const name = r.role === 'ours' ? `**${cell(r.tool)}**` : cell(r.tool);
    return `| ${name} | ${ms(s.median)} | ${ms(s.p90)} | ${ms(s.min)} | ${ms(s.max)} | ${s.n} | ${rel} | ${cell(r.note ?? '')} |`;
  });
  return [
    `### ${section.title}`,
    '',
    '| tool | median | p90 | min | max | runs | ours ÷ this | |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows,
    '',
    `Target: ${section.target.text} — **${verdict(section.target.met)}**.`,
    ...(section.notes.length > 0 ? ['', ...section.notes.map((n) => `- ${n}`)] : []),
  ].join('\n');
}

/** The inventory's cost across loads: ours with and without a listener, next to ss. */
export function renderScaling(byLoad) {
  const rows = byLoad.map(({ load, processes, stats }) => {
    const r = (k) => `${ms(stats[k].median)}`;
    return `| ${load.label} | ${processes} | ${r('ours')} | ${r('ours (no listener)')} | ${r('ss')} | ${ratio(stats.ours.median, stats.ss.median)} |`;
  });
  return [
    '| load | processes | listListeners (a listener) | listListeners (no listener) | ss -ltnp | ours ÷ ss |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}
