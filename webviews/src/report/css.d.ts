// esbuild bundles imported CSS into the panel's .css file; TypeScript only needs to know such imports exist.
declare module '*.css';
