// Types for electron-vite's import suffixes (`?asset`: a file copied beside the bundle,
// imported as its path at run time).
/// <reference types="electron-vite/node" />
