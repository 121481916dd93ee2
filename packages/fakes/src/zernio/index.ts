// The Zernio fake: msw handlers shared by this package's tests, the server's tests, e2e and the
// offline demo (demo accounts are labelled "Demo").
export * from "./zernio";
export { ZernioFakeRefusal } from "./zernio-validate";
