/**
 * A real markdown parser for the summary tests: prettier's (remark, CommonMark with GFM
 * tables), already a dev dependency. Returns the tree without source positions.
 */
import * as prettier from 'prettier';

/** prettier's debugging entry (untyped): the parser behind `prettier --parser markdown`. */
const { parse } = (
  prettier as unknown as {
    __debug: { parse(text: string, options: { parser: string }): Promise<{ ast: unknown }> };
  }
).__debug;

export interface MdNode {
  type: string;
  value?: string;
  url?: string;
  depth?: number;
  children?: MdNode[];
}

export async function parseMarkdown(markdown: string): Promise<MdNode> {
  const { ast } = await parse(markdown, { parser: 'markdown' });
  return ast as MdNode;
}

/** Every node of the tree, depth first. */
export function allNodes(node: MdNode): MdNode[] {
  return [node, ...(node.children ?? []).flatMap(allNodes)];
}

/** The plain text of a node (text, inline code and entity-decoded content). */
export function textOf(node: MdNode): string {
  return node.value ?? (node.children ?? []).map(textOf).join('');
}
