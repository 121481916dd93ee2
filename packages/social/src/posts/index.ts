export * from "./body";
export * from "./event";
export * from "./platforms";
export * from "./record";
export * from "./transition";
export * from "./zernio-answer";
