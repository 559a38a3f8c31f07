// What the screens may import from the API's vocabulary at runtime (the renderer imports only
// model.ts and rules.ts files from core/): the reasons a refusal crosses the API with.
export {
  API_ERROR_REASONS,
  DEVICE_ERROR_CODES,
  RX_NOT_READY_STATUSES,
  TRANSFER_REFUSALS,
  isApiErrorReason,
  type ApiErrorReason,
} from '../error-reasons.ts';
