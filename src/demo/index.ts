// The demo federation the CLI's demo command starts, syncs and summarises (npm run demo).
export { readDemoSlice, demoDecisions, type DemoSlice } from './demo-data.js'
export { DEMO_AGENCIES, startDemoAgency, enrolEachOther, type DemoAgency, type DemoAgencySpec } from './start-agencies.js'
export { syncFederation, summarise, type FederationProgress, type AgencySummary } from './sync-federation.js'
export { readDivergenceOverview, type DivergenceOverview, type AgencyDivergences, type DivergenceExample } from './divergence-summary.js'
export { formatDivergenceOverview } from './format-divergences.js'
export { showCaseAlert, type CaseAlertShown } from './case-alert.js'
