/**
 * The one way the panel builds DOM. Children that are strings become text nodes, so model- or file-produced text can
 * never become markup; attribute names that start with "on" are refused, so no inline handler can be created.
 */
export type Child = Node | string | number | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | null | undefined>;

function setAttributes(element: Element, attrs: Attrs | undefined): void {
  if (!attrs) return;
  for (const [name, value] of Object.entries(attrs)) {
    if (/^on/i.test(name)) throw new Error(`refusing inline handler attribute "${name}"`);
    if (value === undefined || value === null || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
}

function append(parent: Node, children: Child[]): void {
  const doc = parent.ownerDocument ?? (parent as Document);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : doc.createTextNode(String(child)));
  }
}

/** Creates an HTML element in `doc` with attributes and text-safe children. */
export function h(doc: Document, tag: string, attrs?: Attrs, ...children: Child[]): HTMLElement {
  const element = doc.createElement(tag);
  setAttributes(element, attrs);
  append(element, children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element (the score chart) with the same rules. */
export function svg(doc: Document, tag: string, attrs?: Attrs, ...children: Child[]): SVGElement {
  const element = doc.createElementNS(SVG_NS, tag);
  setAttributes(element, attrs);
  append(element, children);
  return element;
}
