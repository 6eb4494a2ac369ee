// Icons of the live layers, drawn here as signed-distance fields so that
// one image takes any colour (icon-color) and a halo, with no sprite file
// to fetch: the page stays offline.

/** An RGBA image MapLibre's addImage takes. */
export interface IconImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** Signed distance in pixels from (x, y) to a shape: negative inside. */
type Distance = (x: number, y: number) => number;

/** Distance from p to the segment a–b. */
function segment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** The signed distance of a simple polygon given by its corners. */
function polygon(corners: [number, number][]): Distance {
  return (x, y) => {
    let inside = false;
    let d = Infinity;
    for (let i = 0, j = corners.length - 1; i < corners.length; j = i++) {
      const [xi, yi] = corners[i];
      const [xj, yj] = corners[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      d = Math.min(d, segment(x, y, xi, yi, xj, yj));
    }
    return inside ? -d : d;
  };
}

function circle(cx: number, cy: number, r: number): Distance {
  return (x, y) => Math.hypot(x - cx, y - cy) - r;
}

/** The union of shapes (exact outside, close enough inside for an SDF). */
function union(...shapes: Distance[]): Distance {
  return (x, y) => Math.min(...shapes.map((s) => s(x, y)));
}

/**
 * Renders a distance function into an SDF image of size×size pixels, with
 * MapLibre's encoding: the edge at alpha 0.75, `radius` pixels of distance
 * spread over the rest (as TinySDF writes them).
 */
function sdf(size: number, shape: Distance, radius = 8): IconImage {
  const data = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = shape(x + 0.5, y + 0.5);
      data[(y * size + x) * 4 + 3] = 255 - 255 * (d / radius + 0.25);
    }
  }
  return { width: size, height: size, data };
}

/** Pixel size of the icon images; they are added at pixelRatio 2. */
export const iconSize = 48;

/**
 * A patrol worker: a dot with a point on its north side, so that rotated
 * by the worker's heading it shows where the worker is going.
 */
export function workerIcon(): IconImage {
  const s = iconSize;
  return sdf(
    s,
    union(
      circle(s * 0.5, s * 0.56, s * 0.24),
      polygon([
        [s * 0.5, s * 0.1],
        [s * 0.7, s * 0.44],
        [s * 0.3, s * 0.44],
      ]),
    ),
  );
}

/** A sensor alarm: a warning triangle. */
export function alarmIcon(): IconImage {
  const s = iconSize;
  return sdf(
    s,
    polygon([
      [s * 0.5, s * 0.12],
      [s * 0.9, s * 0.84],
      [s * 0.1, s * 0.84],
    ]),
  );
}
