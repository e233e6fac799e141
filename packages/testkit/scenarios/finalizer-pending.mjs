// The clients are made in a function and dropped, and a GC runs: their finalizers are queued
// but cannot run before the program ends. The process must still exit at once, and every
// connection end cleanly (for @foo/client: its exit listener closes what the finalizer would).
import { gcFunction } from '@foo/testkit/gc'
import { makeApis, useApis } from '@foo/testkit/program'

async function useAndDrop() {
  await useApis(await makeApis())
}

await useAndDrop()
gcFunction()()
