// Alerts (issue 14, docs/alerts.md): cases and watched parties, matched against every record
// as it is stored; the alerts they raise, read and acknowledged. Owns cases, watched_parties,
// watch_names, watch_name_keys, alerts, webhooks and alert_watch.
export { acknowledgeAlert, alertsAbout, alertsOnRecordsOfNoLongerHold, countUnacknowledgedAlerts, countUnreadAlerts, listAlerts, type AlertViewer } from './alerts.js'
export { closeCase, getCase, listCases, openCase } from './cases.js'
export { alertOnArrivals, reassessLapsedAlerts, type ArrivalMatchingContext, type ArrivalOutcome } from './match-arrivals.js'
export { refreshWatchKeys } from './refresh-watch-keys.js'
export { listWatchedParties, unwatchParty, watchParty } from './watched-parties.js'
export * from './schemas.js'
export { alertDeliveryHandlers, emailOf, queueDeliveries, EMAIL_TOPIC, WEBHOOK_TOPIC, type DeliveryDeps, type DeliveryRouting } from './deliveries.js'
export { createWebhook, getWebhook, listWebhooks, removeWebhook, updateWebhook } from './webhooks.js'
export { watchEvents, type EventWatchDeps, type EventWatchOutcome } from './watch-events.js'
