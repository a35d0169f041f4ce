// Files embedded with `import path from '...' with { type: 'file' }`: the default export is the
// file's path (inside the executable's virtual file system once compiled), read with Bun.file.
declare module 'swagger-ui-dist/swagger-ui-bundle.js' {
  const path: string;
  export default path;
}
declare module 'swagger-ui-dist/swagger-ui.css' {
  const path: string;
  export default path;
}
declare module 'swagger-ui-dist/favicon-32x32.png' {
  const path: string;
  export default path;
}
