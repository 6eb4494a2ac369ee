// Colours of the dark wall-screen theme. The legend and the map layers both
// read them from here so the two never disagree.

export const background = '#070d1a';

export const district = { fill: '#0e1a30', line: '#38bdf8' };
export const street = { line: '#5b8def', label: '#e6edf7' };
export const community = { line: '#3b4f72', label: '#b4c6e0' };
export const gridGeneral = '#4b6386';
export const gridMicro = '#2e3f5c';
export const building = '#c3cfe2';
export const halo = '#070d1a';

/** Compound types as the seed and import write them, with their colours. */
export const compoundTypes = [
  { value: 'commercial', colour: '#22d3ee' },
  { value: 'resettlement', colour: '#fbbf24' },
  { value: 'old', colour: '#c084fc' },
] as const;

/** Dedicated grid kinds with their colours. */
export const dedicatedKinds = [
  { value: 'school', colour: '#4ade80' },
  { value: 'hospital', colour: '#ef4444' },
  { value: 'market', colour: '#f472b6' },
  { value: 'industrial_park', colour: '#94a3b8' },
] as const;

/** Colour for a value missing from a match expression. */
export const unknown = '#64748b';

/**
 * Work orders grouped by life-cycle state, as the map colours them. The
 * states follow the catalogue (GET /api/v1/catalogue); a state missing here
 * is drawn in `unknown`.
 */
export const orderGroups = [
  { value: 'new', states: ['received', 'filed', 'returned'], colour: '#60a5fa' },
  { value: 'working', states: ['dispatched', 'in_progress', 'extended'], colour: '#facc15' },
  { value: 'done', states: ['reported_done', 'verified'], colour: '#4ade80' },
  { value: 'escalated', states: ['escalated'], colour: '#fb7185' },
] as const;

/** The ring around an overdue order. */
export const overdue = '#ef4444';

/** Alarm severities, mildest first, with their colours. */
export const severities = [
  { value: 'info', colour: '#94a3b8' },
  { value: 'minor', colour: '#fde047' },
  { value: 'major', colour: '#fb923c' },
  { value: 'critical', colour: '#f43f5e' },
] as const;

/** Patrol workers: reporting and on duty, silent for a while (stale), or off duty. */
export const workers = { active: '#f8fafc', stale: '#64748b', offDuty: '#94a3b8' };

/** The dark edge that keeps live symbols legible over bright compound fills. */
export const liveHalo = '#020617';

/**
 * The 民情气象图's seven weather levels, calm to stormy, in the order of
 * the thresholds the heatmap answers with (晴 … 暴雨): sun yellow, then
 * greens and greys, rain in deepening blues, storms in violet and magenta,
 * so the live orders' reds stay the loudest thing on the map. A cell with
 * no households has no level and is left uncoloured.
 */
export const weather = ['#fcd34d', '#86efac', '#94a3b8', '#38bdf8', '#2563eb', '#7c3aed', '#db2777'] as const;

/** The outline of the cell whose profile is open, and of a tablet's own area. */
export const selected = '#f8fafc';
export const scope = '#38bdf8';
