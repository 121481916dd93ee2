// msw handlers that reproduce the providers' documented APIs, shared by the providers' own tests,
// the server's tests, the e2e suite and the offline demo mode (through `@streamline/fakes/fetch`).
export {
  connectionLost,
  fault,
  hangUntilAborted,
  type MockFaultName,
  type MockTransportFault,
  truncated,
} from "./faults";
export {
  gradientPng,
  SAMPLE_VIDEO,
  samplePosterJpeg,
  sampleVideoMp4,
} from "./fixtures";
export {
  createGoogleMock,
  GOOGLE_MOCK_API_KEY,
  GOOGLE_MOCK_MARKERS,
  GOOGLE_MOCK_MODELS,
  type GoogleMock,
  type GoogleMockFailure,
  type GoogleMockOptions,
  type GoogleMockRoute,
  type RecordedGoogleRequest,
} from "./google";
export {
  createGoogleCaptionsMock,
  GOOGLE_CAPTION_MOCK_MODELS,
  type GoogleCaptionsFailure,
  type GoogleCaptionsMock,
  type RecordedCaptionRequest,
} from "./google-captions";
export {
  type MockProviderServer,
  startMockProviderServer,
} from "./http-server";
export {
  createOpenAIMock,
  type FieldValue,
  OPENAI_MOCK_API_KEY,
  OPENAI_MOCK_MARKERS,
  OPENAI_MOCK_MODELS,
  type OpenAIMock,
  type OpenAIMockFailure,
  type OpenAIMockOptions,
  type OpenAIMockRoute,
  type OpenAIMockVideo,
  type RecordedOpenAIRequest,
  type RenderMockImage,
  type RenderMockVideo,
  type UploadedFileRecord,
} from "./openai";
export {
  createOpenAIResponsesMock,
  demoValueFor,
  OPENAI_RESPONSES_MOCK_MODELS,
  type OpenAIResponsesFailure,
  type OpenAIResponsesMock,
  type OpenAIResponsesMockOptions,
  type RecordedResponsesRequest,
} from "./openai-responses";
