/**
 * Where each instruction goes in the Venn diagram of privileged (P), sensitive (S) and user sensitive (U ⊆ S).
 * DOM-free: the D3 view only draws what this computes.
 */
export type Region = 'P' | 'PS' | 'PU' | 'S' | 'U' | 'none';

export interface ClassBits {
  mnemonic: string;
  privileged: boolean;
  sensitive: boolean;
  userSensitive: boolean;
  /** Neither shown sensitive nor proved innocuous (the classifier's "not shown"). */
  unresolved?: boolean;
}

export function regionOf(c: ClassBits): Region {
  if (c.userSensitive) return c.privileged ? 'PU' : 'U';
  if (c.sensitive) return c.privileged ? 'PS' : 'S';
  return c.privileged ? 'P' : 'none';
}

/** Theorem 1's violators are sensitive and unprivileged; Theorem 3's are user sensitive and unprivileged. */
export function violates(c: ClassBits): { t1: boolean; t3: boolean } {
  return { t1: c.sensitive && !c.privileged, t3: c.userSensitive && !c.privileged };
}

export const REGION_TEXT: Record<Region, string> = {
  P: 'privileged, innocuous',
  PS: 'privileged and sensitive',
  PU: 'privileged and user sensitive',
  S: "sensitive, not privileged (Theorem 1's condition fails)",
  U: 'user sensitive, not privileged (the conditions of Theorems 1 and 3 fail)',
  none: 'innocuous, not privileged',
};

/** Geometry of a 620 × 380 diagram: P left, S right, U inside S reaching well into P. */
export const CIRCLES = {
  P: { cx: 200, cy: 190, r: 175, label: 'privileged' },
  S: { cx: 420, cy: 190, r: 175, label: 'sensitive' },
  U: { cx: 360, cy: 215, r: 105, label: 'user sensitive' },
} as const;

const ANCHORS: Record<Exclude<Region, 'none'>, { x: number; y: number }> = {
  P: { x: 110, y: 190 },
  PS: { x: 305, y: 90 },
  PU: { x: 315, y: 215 },
  S: { x: 510, y: 130 },
  U: { x: 420, y: 250 },
};

export interface Placed {
  mnemonic: string;
  region: Region;
  x: number;
  y: number;
  t1: boolean;
  t3: boolean;
}

/**
 * Positions of every instruction inside a circle region, in a small grid around the region's anchor. An
 * instruction outside every circle is either proved innocuous and unprivileged (`outside`) or not shown either
 * way (`unresolved`): the diagram never draws a guess as a fact.
 */
export function place(classes: readonly ClassBits[]): { placed: Placed[]; outside: ClassBits[]; unresolved: ClassBits[] } {
  const by = new Map<Region, ClassBits[]>();
  for (const c of classes) {
    const r = regionOf(c);
    if (!by.has(r)) by.set(r, []);
    by.get(r)!.push(c);
  }
  const placed: Placed[] = [];
  for (const [region, list] of by) {
    if (region === 'none') continue;
    const a = ANCHORS[region];
    const cols = list.length > 3 && region !== 'S' && region !== 'U' ? 2 : 1;
    const rows = Math.ceil(list.length / cols);
    list.forEach((c, i) => {
      const col = i % cols;
      const row = Math.floor(i / cols);
      placed.push({
        mnemonic: c.mnemonic,
        region,
        x: a.x + (col - (cols - 1) / 2) * 54,
        y: a.y + (row - (rows - 1) / 2) * 17,
        ...violates(c),
      });
    });
  }
  const none = by.get('none') ?? [];
  return { placed, outside: none.filter((c) => !c.unresolved), unresolved: none.filter((c) => c.unresolved) };
}

/** Whether a point lies in the region (used by the tests to check the geometry agrees with the sets). */
export function pointRegion(x: number, y: number): Region {
  const inside = (c: { cx: number; cy: number; r: number }) => (x - c.cx) ** 2 + (y - c.cy) ** 2 < c.r ** 2;
  const p = inside(CIRCLES.P);
  const u = inside(CIRCLES.U);
  const s = inside(CIRCLES.S);
  if (u) return p ? 'PU' : 'U';
  if (s) return p ? 'PS' : 'S';
  return p ? 'P' : 'none';
}
