// Turns @elysiajs/swagger's output into valid OpenAPI 3.1: parameter examples, one media type per
// generated body, no Elysia keywords, and no parameter that repeats a security scheme.
import { plainSchema } from './asyncapi.ts';

type Json = Record<string, any>;

/**
 * One media type per generated body: JSON, or plain text for string schemas (the plugin lists
 * three for every schema). Content written by hand in a route's `detail` (no JSON entry) is kept.
 */
function singleMediaType(content: Json | undefined): Json | undefined {
  if (!content) return content;
  const entry = content['application/json'];
  if (!entry) return Object.fromEntries(Object.entries(content).map(([type, media]) => [type, plainSchema(media)]));
  return { [entry.schema?.type === 'string' ? 'text/plain' : 'application/json']: plainSchema(entry) };
}

function exampleName(value: unknown, index: number): string {
  const code = (value as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : `example${index + 1}`;
}

/**
 * The plugin copies the schema's own keywords (its `examples`, say) into the response object; OpenAPI
 * allows only description, headers, content and links there. Examples move to the media type.
 */
function normalizeResponse({ description, headers, content, links, examples }: Json): Json {
  const media = singleMediaType(content);
  const mediaType = media && Object.values<Json>(media)[0];
  if (mediaType && Array.isArray(examples) && examples.length > 0) {
    mediaType.examples = Object.fromEntries(
      examples.map((value: unknown, index: number) => [exampleName(value, index), { value }]),
    );
  }
  return {
    description: description ?? 'Success',
    ...(headers && { headers }),
    ...(media && { content: media }),
    ...(links && { links }),
  };
}

/** Where a credential travels; header names are case-insensitive. */
const slot = (place: string, name: string) => `${place}:${place === 'header' ? name.toLowerCase() : name}`;

/**
 * `in:name` of every API-key security scheme. A query parameter that repeats one (`api_key`) is
 * left out of the operations: Swagger UI would pre-fill it with its example and send it beside, and
 * over, the key entered under Authorize.
 */
function credentialSlots(document: Json): Set<string> {
  const schemes = Object.values<Json>(document.components?.securitySchemes ?? {});
  return new Set(schemes.filter((scheme) => scheme.type === 'apiKey').map((scheme) => slot(scheme.in, scheme.name)));
}

/** Normalizes the document in place (it is a fresh copy per request) and returns it. */
export function normalizeOpenApi(document: Json): Json {
  const credentials = credentialSlots(document);
  for (const operations of Object.values<Json>(document.paths ?? {})) {
    for (const operation of Object.values<Json>(operations)) {
      const secured = Array.isArray(operation.security) && operation.security.length > 0;
      operation.parameters = operation.parameters
        ?.filter((parameter: Json) => !(secured && credentials.has(slot(parameter.in, parameter.name))))
        .map(({ examples, ...parameter }: Json) => ({
          ...parameter,
          schema: plainSchema(parameter.schema),
          ...(Array.isArray(examples) && examples.length > 0 ? { example: examples[0] } : {}),
        }));
      // Header parameters a route documents by hand (http/schemas.ts IF_NONE_MATCH_PARAMETER).
      const extra = operation['x-header-parameters'];
      delete operation['x-header-parameters'];
      if (Array.isArray(extra)) operation.parameters = [...(operation.parameters ?? []), ...extra];
      if (operation.requestBody) operation.requestBody.content = singleMediaType(operation.requestBody.content);
      for (const [status, response] of Object.entries<Json>(operation.responses ?? {})) {
        operation.responses[status] = normalizeResponse(response);
      }
    }
  }
  return document;
}
