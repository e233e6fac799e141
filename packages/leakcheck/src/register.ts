// Preload for `node --import @foo/leakcheck/register`.
export {}
