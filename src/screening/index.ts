export { screenApplications, getScreening, recordDisposition, type ScreeningDeps, type StoredScreening, type RecordedDisposition } from './screen.js'
export { ApplicationResult, DispositionInput, ScreeningOptions, ScreeningRequest, ScreeningResult } from './schemas.js'
