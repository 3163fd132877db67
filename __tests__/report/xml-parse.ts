/**
 * A strict XML 1.0 parser for the JUnit tests: Python's expat (ElementTree), which rejects
 * unescaped markup, bad entities, mismatched tags and characters XML forbids. Returns the
 * element tree as plain data.
 */
import { execFileSync } from 'node:child_process';
import { PYTHON } from '../helpers/procs.js';

export interface XmlElement {
  tag: string;
  attrs: Record<string, string>;
  text: string;
  children: XmlElement[];
}

const SCRIPT = `
import json, sys, xml.etree.ElementTree as ET
def walk(e):
    return {"tag": e.tag, "attrs": dict(e.attrib), "text": e.text or "", "children": [walk(c) for c in e]}
try:
    root = ET.fromstring(sys.stdin.buffer.read())
except ET.ParseError as err:
    print(json.dumps({"error": str(err)}))
    sys.exit(0)
print(json.dumps(walk(root)))
`;

/** The parsed document, or throws with expat's message when it is not well-formed. */
export function parseXml(xml: string): XmlElement {
  const out = JSON.parse(execFileSync(PYTHON, ['-c', SCRIPT], { input: xml, encoding: 'utf8' })) as
    XmlElement | { error: string };
  if ('error' in out) throw new Error(`not well-formed XML: ${out.error}`);
  return out;
}
