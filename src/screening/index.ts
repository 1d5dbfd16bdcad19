export { bestPartyMatch, screenApplicationAgainst } from './screen-application.js'
export { screenApplications, dispositionsOfScreening, getScreening, listScreenings, recordDisposition, type ScreeningSummary, type ScreeningDeps, type StoredScreening, type RecordedDisposition } from './screen.js'
export { Application, ApplicationResult, DispositionInput, Hit, PartyTally, ScreeningOptions, ScreeningRequest, ScreeningResult } from './schemas.js'
