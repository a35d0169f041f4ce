// Where each document lives, for the routes, the pages' links and the index.
export const DOCS_PATH = '/swagger';
export const OPENAPI_PATH = '/swagger/json';
export const ASYNCAPI_PATH = '/asyncapi.json';
export const STREAM_PAGE_PATH = '/docs/stream';
