// The panels around the map, loaded after the map has started: they carry
// ECharts, which the first picture of the map does not need.

export { CellDrawer } from './cell-drawer';
export { categoryPanel } from './category-panel';
export { setChartPixelRatio, setChartTextSize } from './charts';
export { closurePanel } from './closure-panel';
export { History } from './history';
export { hotSpotList } from './hotspot-list';
export { rankingsPanel } from './rankings-panel';
export { responsePanel } from './response-panel';
export { trendPanel } from './trend-panel';

import { categoryPanel } from './category-panel';
import { closurePanel } from './closure-panel';
import { History } from './history';
import { rankingsPanel } from './rankings-panel';
import { responsePanel } from './response-panel';
import { trendPanel } from './trend-panel';
import type { Names } from '../live/names';
import type { ViewState } from '../view';

/** Every history panel, fed by one History for view and area. */
export function historyPanels(view: ViewState, area: string | undefined, names: Names) {
  const history = new History(view, area);
  const trend = trendPanel();
  const category = categoryPanel(names);
  const closure = closurePanel();
  const response = responsePanel();
  const rankings = rankingsPanel();
  for (const p of [trend, category, closure, response]) history.onTrends(p.update);
  history.onRankings(rankings.update);
  return { history, trend: trend.panel, category: category.panel, closure: closure.panel, response: response.panel, rankings: rankings.panel };
}
