/** A count with its noun, as people write it: "1 file", "3 files". */
export function counted(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}
