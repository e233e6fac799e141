/** Exit code when the program exited 0 but left handles open (a failing program keeps its code). */
export const LEAKS_EXIT_CODE = 7
/** Exit code when the program still ran at `--timeout`. */
export const TIMEOUT_EXIT_CODE = 124
/** Exit code for bad command-line usage, and for a command that ran no Node program. */
export const USAGE_EXIT_CODE = 2
