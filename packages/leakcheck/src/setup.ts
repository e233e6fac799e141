// Vitest setup file: installs the per-test leak check in the worker.
export {}
