// Names the OpenAPI document's schemas. Every schema marked with COMPONENT_NAME (http/schemas.ts)
// is published once under `components.schemas` and referenced with `$ref` wherever it appears, so
// client generators produce named types (Task, TaskList, Error, …) instead of anonymous ones.
import { COMPONENT_NAME } from '../http/schemas.ts';
import { plainSchema } from './asyncapi.ts';

type Json = Record<string, any>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/**
 * The plugin moves a response schema's own keywords (the mark among them) onto the response object
 * and keeps only its shape in `content`: such a response names its content schemas instead.
 */
function isResponseObject(node: Json): boolean {
  return node.content !== null && typeof node.content === 'object' && !('type' in node);
}

function createNamer() {
  const schemas: Record<string, unknown> = {};
  const publish = (name: string, schema: unknown) => {
    schemas[name] ??= plainSchema(schema);
    return ref(name);
  };

  function visit(node: unknown): unknown {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== 'object') return node;
    const { [COMPONENT_NAME]: name, ...rest } = node as Json;
    const out: Json = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, visit(value)]));
    if (typeof name !== 'string') return out;
    if (!isResponseObject(out)) return publish(name, out);
    for (const media of Object.values<Json>(out.content)) {
      if (media?.schema && !media.schema.$ref) media.schema = publish(name, media.schema);
    }
    return out;
  }
  return { visit, schemas };
}

/** Returns the document with its marked schemas moved to `components.schemas` and referenced. */
export function nameComponents(document: Json): Json {
  const namer = createNamer();
  const paths = namer.visit(document.paths);
  const components = document.components ?? {};
  const schemas = { ...components.schemas, ...namer.schemas };
  const sorted = Object.fromEntries(
    Object.keys(schemas)
      .sort()
      .map((name) => [name, schemas[name]]),
  );
  return { ...document, paths, components: { ...components, schemas: sorted } };
}
