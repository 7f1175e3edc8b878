/** Keeps one copy, in `<out>/chunks/`, of each chunk two or more bundles under `out` carry byte for byte. */
export function shareChunks(out: string): void;
