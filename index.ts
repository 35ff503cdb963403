// The package entry: `dist/index.js` re-exports the module's public API from src/.
export * from './src/index';
