// The Zernio fake: msw handlers shared by the social package's tests, the server's tests, e2e and the
// offline demo (demo accounts are labelled "Demo").
export {
  createZernioDemo,
  createZernioFake,
  demoAccountsFor,
  mockAccount,
  type RecordedUpload,
  type RecordedZernioRequest,
  rateLimitHeaders,
  ZERNIO_DEMO_ACCOUNTS,
  ZERNIO_MOCK_ACCOUNTS,
  ZERNIO_MOCK_API_KEY,
  ZERNIO_MOCK_BASE_URL,
  ZERNIO_MOCK_CONNECT_ORIGIN,
  ZERNIO_MOCK_PROFILE_ID,
  ZERNIO_MOCK_PUBLIC_ORIGIN,
  ZERNIO_MOCK_UPLOAD_ORIGIN,
  type ZernioFake,
  type ZernioFakeOptions,
  type ZernioMockAccount,
  type ZernioMockFailure,
  type ZernioMockProfile,
  type ZernioMockRoute,
} from "./zernio";
export {
  DEFAULT_PINTEREST_BOARDS,
  DEFAULT_TIKTOK_PRIVACY_LEVELS,
  type PinterestBoardSetup,
  type TikTokCreatorSetup,
} from "./zernio-tools";
export { ZernioFakeRefusal } from "./zernio-validate";
