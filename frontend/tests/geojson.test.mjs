// Every layer file the seed writes must pass an independent GeoJSON
// validator (@placemarkio/check-geojson), and every polygon must follow
// RFC 7946's right-hand rule.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { getIssues } from '@placemarkio/check-geojson';
import { shuangliuDataDir, tinyDataDir } from './seeded.mjs';

const layers = ['district', 'street', 'community', 'compound', 'building', 'grid_general', 'grid_micro', 'grid_dedicated'];

/** Twice the signed area of a ring: positive when counter-clockwise. */
function signedArea(ring) {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x1, y1] = ring[i];
    const [x2, y2] = ring[i + 1];
    sum += x1 * y2 - x2 * y1;
  }
  return sum;
}

/** Polygons of a Polygon or MultiPolygon geometry. */
function polygons(g) {
  if (g.type === 'Polygon') return [g.coordinates];
  if (g.type === 'MultiPolygon') return g.coordinates;
  return [];
}

function checkDir(name, dir) {
  describe(`${name} preset`, () => {
    const areasDir = path.join(dir, 'areas');
    const files = readdirSync(areasDir).filter((f) => f.endsWith('.geojson'));

    test('writes one file per layer and the facilities', () => {
      for (const l of layers) assert.ok(files.includes(`${l}.geojson`), `${l}.geojson is missing`);
      assert.ok(files.includes('facilities.geojson'), 'facilities.geojson is missing');
    });

    for (const file of files) {
      test(`${file} passes the validator and the right-hand rule`, () => {
        const text = readFileSync(path.join(areasDir, file), 'utf8');
        const issues = getIssues(text);
        assert.deepEqual(issues.slice(0, 5), [], `${file}: ${issues.length} issues`);
        const fc = JSON.parse(text);
        assert.equal(fc.type, 'FeatureCollection');
        assert.ok(fc.features.length > 0, `${file} has no features`);
        let wrong = 0;
        for (const f of fc.features) {
          for (const p of polygons(f.geometry)) {
            p.forEach((ring, i) => {
              // Exterior rings counter-clockwise, holes clockwise.
              if (i === 0 ? signedArea(ring) <= 0 : signedArea(ring) >= 0) wrong++;
            });
          }
        }
        assert.equal(wrong, 0, `${file}: ${wrong} rings wound the wrong way`);
      });
    }
  });
}

checkDir('tiny', tinyDataDir());
const shuangliu = shuangliuDataDir();
if (shuangliu) checkDir('shuangliu', shuangliu);
