export async function run(_args: string[]): Promise<number> {
  console.error('mixkeeper layout: not built yet');
  return 1;
}
