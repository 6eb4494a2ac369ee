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

/** Compound types as the seed and import write them, with their colours and names. */
export const compoundTypes = [
  { value: 'commercial', label: '商品房 commercial', colour: '#22d3ee' },
  { value: 'resettlement', label: '安置 resettlement', colour: '#fbbf24' },
  { value: 'old', label: '老旧 old', colour: '#c084fc' },
] as const;

/** Dedicated grid kinds with their colours and names. */
export const dedicatedKinds = [
  { value: 'school', label: '学校 school', colour: '#4ade80' },
  { value: 'hospital', label: '医院 hospital', colour: '#ef4444' },
  { value: 'market', label: '市场 market', colour: '#f472b6' },
  { value: 'industrial_park', label: '园区 industrial park', colour: '#94a3b8' },
] as const;

/** Colour for a value missing from a match expression. */
export const unknown = '#64748b';

/**
 * Work orders grouped by life-cycle state, as the map colours them. The
 * states follow the catalogue (GET /api/v1/catalogue); a state missing here
 * is drawn in `unknown`.
 */
export const orderGroups = [
  { value: 'new', states: ['received', 'filed', 'returned'], label: '受理·立案 new', colour: '#60a5fa' },
  { value: 'working', states: ['dispatched', 'in_progress', 'extended'], label: '派遣·处置 in progress', colour: '#facc15' },
  { value: 'done', states: ['reported_done', 'verified'], label: '反馈·核查 done', colour: '#4ade80' },
  { value: 'escalated', states: ['escalated'], label: '提级督办 escalated', colour: '#fb7185' },
] as const;

/** The ring around an overdue order. */
export const overdue = '#ef4444';

/** Alarm severities, mildest first, with their colours. */
export const severities = [
  { value: 'info', label: '提示 info', colour: '#94a3b8' },
  { value: 'minor', label: '一般 minor', colour: '#fde047' },
  { value: 'major', label: '严重 major', colour: '#fb923c' },
  { value: 'critical', label: '紧急 critical', colour: '#f43f5e' },
] as const;

/** Patrol workers: reporting and on duty, silent for a while (stale), or off duty. */
export const workers = { active: '#f8fafc', stale: '#64748b', offDuty: '#94a3b8' };

/** The dark edge that keeps live symbols legible over bright compound fills. */
export const liveHalo = '#020617';
