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
