export { DEFAULT_LAB_TIME_SCALE, ManualClock, systemClock, type Clock } from './clock.js';
export { labFarmPath, resetLabFarm, type BootstrapperState, type FarmState } from './farm-state.js';
export { LabEnvironment, openLabEnvironment, type LabEnvironmentOptions } from './lab-environment.js';
export {
	listScenarios,
	loadScenario,
	loadTopologyOverlay,
	parseScenario,
	scenarioFromTopology,
	ScenarioError,
	type LabFault,
	type LabTimings,
	type Scenario,
	type ScenarioInput,
	type ScenarioPool,
	type TopologyOverlay,
} from './scenario.js';
