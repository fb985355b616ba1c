import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser'

/**
 * Just enough of .NET's DataContractSerializer for the Keycloak proxy's models (seed-apis.md §4.1):
 * elements in the DataContract namespace, members in ordinal-alphabetical order, and on input an
 * element that arrives out of sequence (or twice) is silently skipped, leaving the member unset.
 */

export const DATA_CONTRACT_NAMESPACE = 'http://schemas.datacontract.org/2004/07/IO.Swagger.Models'
export const XML_SCHEMA_INSTANCE_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance'
export const SERIALIZATION_ARRAYS_NAMESPACE = 'http://schemas.microsoft.com/2003/10/Serialization/Arrays'

/** String.CompareOrdinal: UTF-16 code unit order, so uppercase sorts before lowercase. */
export function compareOrdinal(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0
}

export type DataContractReadResult =
  | { ok: true; members: Map<string, string | null> }
  | { ok: false; reason: string }

const ATTRIBUTE_PREFIX = '@_'

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: ATTRIBUTE_PREFIX,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: '#comment'
})

interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: XmlNode[]
}
type XmlNode = XmlElement | { text: string }

/** fast-xml-parser's preserveOrder output: `[{ tag: [...children], ':@': {attrs} } | { '#text': '...' }]`. */
function toNodes(raw: unknown): XmlNode[] {
  if (!Array.isArray(raw)) return []
  const nodes: XmlNode[] = []
  for (const entry of raw as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue
    const record = entry as Record<string, unknown>
    for (const [key, value] of Object.entries(record)) {
      if (key === ':@' || key === '#comment') continue
      if (key === '#text') {
        nodes.push({ text: String(value) })
        continue
      }
      const attributes: Record<string, string> = {}
      const rawAttributes = record[':@']
      if (typeof rawAttributes === 'object' && rawAttributes !== null) {
        for (const [attribute, attributeValue] of Object.entries(rawAttributes)) {
          attributes[attribute.slice(ATTRIBUTE_PREFIX.length)] = String(attributeValue)
        }
      }
      nodes.push({ name: key, attributes, children: toNodes(value) })
    }
  }
  return nodes
}

const isElement = (node: XmlNode): node is XmlElement => 'name' in node

function withNamespaces(scope: ReadonlyMap<string, string>, element: XmlElement): Map<string, string> {
  const next = new Map(scope)
  for (const [attribute, value] of Object.entries(element.attributes)) {
    if (attribute === 'xmlns') next.set('', value)
    else if (attribute.startsWith('xmlns:')) next.set(attribute.slice('xmlns:'.length), value)
  }
  return next
}

function qualify(scope: ReadonlyMap<string, string>, qualifiedName: string): { namespace: string; local: string } {
  const colon = qualifiedName.indexOf(':')
  const prefix = colon === -1 ? '' : qualifiedName.slice(0, colon)
  return { namespace: scope.get(prefix) ?? '', local: colon === -1 ? qualifiedName : qualifiedName.slice(colon + 1) }
}

function isNil(scope: ReadonlyMap<string, string>, element: XmlElement): boolean {
  return Object.entries(element.attributes).some(([attribute, value]) => {
    const { namespace, local } = qualify(scope, attribute)
    return attribute.includes(':') && namespace === XML_SCHEMA_INSTANCE_NAMESPACE && local === 'nil' && value.trim() === 'true'
  })
}

/**
 * Reads `<rootName xmlns="DATA_CONTRACT_NAMESPACE">` whose members are `memberOrder` (already in
 * ordinal order). Unknown elements are skipped; a known element before the cursor is ignored.
 */
export function readDataContract(xml: string, rootName: string, memberOrder: readonly string[]): DataContractReadResult {
  // DataContractSerializer refuses DTDs; refusing them here also rules out entity expansion.
  if (/<!DOCTYPE/i.test(xml)) return { ok: false, reason: 'DTD is prohibited in this XML document.' }
  const validation = XMLValidator.validate(xml)
  if (validation !== true) return { ok: false, reason: `XML is not well-formed: ${validation.err.msg}` }
  const roots = toNodes(parser.parse(xml)).filter(isElement)
  const root = roots[0]
  if (!root) return { ok: false, reason: 'Root element is missing.' }
  const rootScope = withNamespaces(new Map(), root)
  const rootQualified = qualify(rootScope, root.name)
  if (rootQualified.local !== rootName || rootQualified.namespace !== DATA_CONTRACT_NAMESPACE) {
    return {
      ok: false,
      reason:
        `Expecting element '${rootName}' from namespace '${DATA_CONTRACT_NAMESPACE}'.. ` +
        `Encountered 'Element' with name '${rootQualified.local}', namespace '${rootQualified.namespace}'.`
    }
  }
  const members = new Map<string, string | null>()
  let cursor = 0
  for (const child of root.children) {
    if (!isElement(child)) {
      if (child.text.trim() !== '') return { ok: false, reason: 'Unexpected text in the root element.' }
      continue
    }
    const scope = withNamespaces(rootScope, child)
    const { namespace, local } = qualify(scope, child.name)
    const index = namespace === DATA_CONTRACT_NAMESPACE ? memberOrder.indexOf(local) : -1
    if (index < cursor) continue
    cursor = index + 1
    if (isNil(scope, child)) {
      members.set(local, null)
      continue
    }
    if (child.children.some(isElement)) return { ok: false, reason: `Element '${local}' must contain text only.` }
    members.set(local, child.children.map((node) => ('text' in node ? node.text : '')).join(''))
  }
  return { ok: true, members }
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: ATTRIBUTE_PREFIX, suppressEmptyNode: false })

export type DataContractValue = string | number | boolean | null | undefined

/** Writes a DataContract object: members sorted ordinally, null and undefined omitted (EmitDefaultValue=false). */
export function writeDataContract(rootName: string, members: Record<string, DataContractValue>): string {
  const body: Record<string, unknown> = {
    [`${ATTRIBUTE_PREFIX}xmlns:i`]: XML_SCHEMA_INSTANCE_NAMESPACE,
    [`${ATTRIBUTE_PREFIX}xmlns`]: DATA_CONTRACT_NAMESPACE
  }
  for (const name of Object.keys(members).sort(compareOrdinal)) {
    const value = members[name]
    if (value !== null && value !== undefined) body[name] = String(value)
  }
  return builder.build({ [rootName]: body }) as string
}

/** Web API's HttpError and a Dictionary<string,string>, as DataContractSerializer writes them. */
export function writeHttpError(fields: Record<string, string>): string {
  return builder.build({ Error: fields }) as string
}

export function writeStringDictionary(entries: Record<string, string>): string {
  return builder.build({
    ArrayOfKeyValueOfstringstring: {
      [`${ATTRIBUTE_PREFIX}xmlns:i`]: XML_SCHEMA_INSTANCE_NAMESPACE,
      [`${ATTRIBUTE_PREFIX}xmlns`]: SERIALIZATION_ARRAYS_NAMESPACE,
      KeyValueOfstringstring: Object.entries(entries).map(([Key, Value]) => ({ Key, Value }))
    }
  }) as string
}
