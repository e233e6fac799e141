/** The tag of a marker line a program prints on stdout: `@@exit {"event":...,"at":...}`. */
export const MARKER_TAG = '@@exit '
