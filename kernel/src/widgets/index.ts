// `da.widgets`: interactive widgets for the Jupyter kernel (they need its comms).
export {
  ClusterMonitor,
  type ClusterMonitorOptions,
  clusterMonitor,
  DEFAULT_BUSY_AFTER_MS,
  DEFAULT_MONITOR_INTERVAL_MS,
  type EngineRow,
  monitorHtml,
} from "./cluster-monitor.js";
export {
  DistributionExplorer,
  type DistributionExplorerOptions,
  distributionExplorer,
  MAX_EXPLORER_BLOCK,
  MAX_EXPLORER_ENGINES,
} from "./distribution-explorer.js";
export {
  AXIS_CHOICES,
  type AxisChoice,
  type AxisSetting,
  axisDist,
  type EngineCount,
  type ExplorerLayout,
  type ExplorerSetting,
  explorerLayout,
  explorerStatsHtml,
} from "./explorer-layout.js";
export {
  type ChangeListener,
  type ChangeOrigin,
  WIDGET_PROTOCOL_VERSION,
  WIDGET_TARGET,
  WIDGET_VIEW_MIME,
  WidgetModel,
  type WidgetState,
} from "./widget-model.js";
