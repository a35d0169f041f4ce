// Elysia, its Swagger plugin and TypeBox, as the executable's second entry point (scripts/build.ts).
// A compiled start loads and decodes all of its main bundle before its first line runs, whether or
// not a module in it is ever required; kept in a bundle of their own, these libraries cost a start
// nothing until the Elysia app is first made. Under `bun src/main.ts` nothing imports this file.
export * as elysia from 'elysia';
export * as swagger from '@elysiajs/swagger';
export * as typebox from '@sinclair/typebox';
