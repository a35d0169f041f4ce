// uPlot's files, embedded with `import path from '...' with { type: 'file' }` (as docs-assets.d.ts).
declare module 'uplot/dist/uPlot.iife.min.js' {
  const path: string;
  export default path;
}
declare module 'uplot/dist/uPlot.min.css' {
  const path: string;
  export default path;
}
